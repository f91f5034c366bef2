package dev.lifeline.core.fleet;

import java.util.List;
import java.util.Optional;

/**
 * The silence guard's decision for one pass.
 *
 * @param actions {@link MonitorAction.MarkUnreachable} per silent host, or one {@link MonitorAction.HoldForMassSilence}
 *     when a hold begins; an {@link MonitorAction.EndMassSilenceHold} first when one ends
 * @param hold the hold in effect after this pass (the next pass's input): while present, plans are made with
 *     destructive actions held
 */
public record SilenceVerdict(List<MonitorAction> actions, Optional<SilenceHold> hold) {
    public SilenceVerdict {
        actions = List.copyOf(actions);
    }

    public boolean holding() {
        return hold.isPresent();
    }
}
