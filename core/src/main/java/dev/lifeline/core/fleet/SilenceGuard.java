package dev.lifeline.core.fleet;

import dev.lifeline.core.fleet.MonitorAction.EndMassSilenceHold;
import dev.lifeline.core.fleet.MonitorAction.HoldForMassSilence;
import dev.lifeline.core.fleet.MonitorAction.MarkUnreachable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The monitor's passive rule over every host a replica tracks, with its two guards against acting on silence. Pure.
 *
 * <p>An online or draining host is silent when nothing was heard from it for {@code unreachableAfter}. Its silence
 * counts from its last heartbeat (or its registration), but never from earlier than {@code trackedSince +
 * failoverGrace - unreachableAfter}: a replica that just started or just took the host's lease waits
 * {@code failoverGrace} before it believes a silence, since the stale heartbeat may be the control plane's own
 * downtime.
 *
 * <p>Mass silence: the share is taken of the hosts heard from within the last threshold (online and draining hosts,
 * and those that turned unreachable within it; a host unreachable for longer is not there to go silent). When at
 * least {@code massSilenceMinHosts} of them count, some host is silent, and more than {@code massSilenceShare} of
 * them are quiet or turned unreachable within the threshold, the control plane is probably the one cut off: nobody
 * is marked unreachable and destructive actions are held everywhere until it ends. A host is quiet once silent for
 * half the threshold: hosts cut off at one instant cross the threshold up to a heartbeat interval apart, and counting
 * only those already past it would mark the first few before the guard saw the others. The hold is audited once when
 * it begins and once when it ends.
 */
public final class SilenceGuard {
    private SilenceGuard() {}

    /**
     * @param hosts every host this replica tracks (holds the lease for)
     * @param hold the hold in effect, as the previous pass's verdict left it (empty at a replica's start)
     */
    public static SilenceVerdict check(List<HostView> hosts, Optional<SilenceHold> hold, Instant now,
            MonitorRules rules) {
        Census census = Census.take(hosts, now, rules);
        Duration threshold = rules.unreachableAfter();
        if (census.massSilence(rules)) {
            if (hold.isPresent()) {
                return new SilenceVerdict(List.of(), hold);
            }
            return new SilenceVerdict(List.of(new HoldForMassSilence(census.quiet(), census.tracked(),
                    census.goneSilent() + " of " + census.tracked() + " hosts heard from within the last "
                            + AuditText.span(threshold) + " went silent (" + census.quiet().size() + " silent for "
                            + AuditText.span(half(threshold)) + " or more, " + census.recentlyUnreachable()
                            + " turned unreachable), more than " + AuditText.share(rules.massSilenceShare())
                            + ": the control plane is probably the one cut off, so no host is marked unreachable and"
                            + " nothing destructive runs until it ends")), Optional.of(new SilenceHold(now)));
        }
        List<MonitorAction> actions = new ArrayList<>();
        hold.ifPresent(h -> actions.add(new EndMassSilenceHold(h.since(), census.goneSilent(), census.tracked(),
                "the mass silence that began at " + AuditText.at(h.since()) + " is over after "
                        + AuditText.span(Duration.between(h.since(), now)) + ": " + census.goneSilent() + " of "
                        + census.tracked() + " hosts silent (" + (census.tracked() < rules.massSilenceMinHosts()
                                ? "fewer than " + rules.massSilenceMinHosts() + " hosts count"
                                : "at most " + AuditText.share(rules.massSilenceShare()))
                        + "); silent hosts are judged one by one again")));
        for (HostView host : census.silent()) {
            actions.add(new MarkUnreachable(host.id(), host.lastHeartbeatAt(), silenceReason(host, now, rules)));
        }
        return new SilenceVerdict(actions, Optional.empty());
    }

    /**
     * The hosts that count, in id order.
     *
     * @param silent reachable hosts silent for the threshold or longer: those marked unreachable unless it is a mass
     *     silence
     * @param quiet reachable hosts silent for half the threshold or longer (the silent ones among them)
     * @param recentlyUnreachable hosts that turned unreachable within the last threshold
     * @param tracked reachable hosts and those that turned unreachable within the last threshold
     */
    private record Census(List<HostView> silent, List<UUID> quiet, int recentlyUnreachable, int tracked) {
        static Census take(List<HostView> hosts, Instant now, MonitorRules rules) {
            Duration threshold = rules.unreachableAfter();
            Instant quietSince = now.minus(half(threshold));
            List<HostView> silent = new ArrayList<>();
            List<UUID> quiet = new ArrayList<>();
            int recentlyUnreachable = 0;
            int tracked = 0;
            for (HostView host : hosts.stream().sorted(Comparator.comparing(HostView::id)).toList()) {
                if (host.isReachable()) {
                    tracked++;
                    Instant silenceStart = silenceStart(host, rules);
                    if (!silenceStart.isAfter(quietSince)) {
                        quiet.add(host.id());
                    }
                    if (!silenceStart.plus(threshold).isAfter(now)) {
                        silent.add(host);
                    }
                } else if (host.statusSince().plus(threshold).isAfter(now)) {
                    tracked++;
                    recentlyUnreachable++;
                }
            }
            return new Census(silent, quiet, recentlyUnreachable, tracked);
        }

        int goneSilent() {
            return quiet.size() + recentlyUnreachable;
        }

        boolean massSilence(MonitorRules rules) {
            return !silent.isEmpty() && tracked >= rules.massSilenceMinHosts()
                    && goneSilent() > rules.massSilenceShare() * tracked;
        }
    }

    /** Half the threshold: a host silent this long is quiet. */
    private static Duration half(Duration threshold) {
        return Duration.ofNanos(threshold.toNanos() / 2);
    }

    /** When the host's silence starts to count: its last sign of life, or the failover floor if later. */
    static Instant silenceStart(HostView host, MonitorRules rules) {
        Instant floor = host.trackedSince().plus(rules.failoverGrace()).minus(rules.unreachableAfter());
        Instant heard = host.lastHeardAt();
        return heard.isBefore(floor) ? floor : heard;
    }

    private static String silenceReason(HostView host, Instant now, MonitorRules rules) {
        Instant start = silenceStart(host, rules);
        String heard = host.lastHeartbeatAt() == null
                ? "never heard from since it registered at " + AuditText.at(host.registeredAt())
                : "no heartbeat since " + AuditText.at(host.lastHeartbeatAt());
        String counted = start.equals(host.lastHeardAt()) ? "" : "; this replica has watched it since "
                + AuditText.at(host.trackedSince()) + " and counts its silence from " + AuditText.at(start)
                + " (failover grace " + AuditText.span(rules.failoverGrace()) + ")";
        return heard + counted + ": silent for " + AuditText.span(Duration.between(start, now)) + " (threshold "
                + AuditText.span(rules.unreachableAfter()) + ")";
    }
}
