package dev.lifeline.agent.control;

import dev.lifeline.agent.command.StackHolds;
import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.wire.ReportedStack;
import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The heartbeat's full stack report: every stack the engine has (the cheap listing: one list call, an inspect per
 * stopped container), each with {@link StackStatuses}. When the engine cannot be read it throws, and no report is
 * sent: an empty report would tell the control plane that every stack is gone.
 */
public final class StackReporter {
    private final Inventory inventory;
    private final Journal journal;
    private final StackLocks locks;
    private final StackHolds holds;
    private final Supplier<Map<StackName, CommandKind>> applying;

    public StackReporter(Inventory inventory, Journal journal, StackLocks locks, StackHolds holds,
            Supplier<Map<StackName, CommandKind>> applying) {
        this.inventory = inventory;
        this.journal = journal;
        this.locks = locks;
        this.holds = holds;
        this.applying = applying;
    }

    public List<ReportedStack> report() {
        Map<StackName, CommandKind> inFlight = applying.get();
        List<Stack> stacks = inventory.stackStates();
        Map<StackName, IntentRecord> intents = journal.intents();
        List<Marker> markers = journal.openMarkers();
        Set<StackName> promised = named(markers, MarkerKind.START, MarkerKind.QUIESCE);
        Set<StackName> stopping = named(markers, MarkerKind.STOP);
        return stacks.stream().map(s -> StackStatuses.of(s, new StackStatuses.Facts(
                intents.containsKey(s.name()) ? intents.get(s.name()).intent() : Intent.RUNNING,
                promised.contains(s.name()), stopping.contains(s.name()), holds.holder(s.name()),
                locks.isHeld(s.name()), Optional.ofNullable(inFlight.get(s.name())))))
                .toList();
    }

    private static Set<StackName> named(List<Marker> markers, MarkerKind... kinds) {
        Set<MarkerKind> wanted = Set.of(kinds);
        return markers.stream().filter(m -> wanted.contains(m.kind())).flatMap(m -> m.stacks().stream())
                .collect(Collectors.toSet());
    }
}
