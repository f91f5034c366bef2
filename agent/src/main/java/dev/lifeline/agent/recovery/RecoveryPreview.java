package dev.lifeline.agent.recovery;

import dev.lifeline.core.model.StackName;
import dev.lifeline.core.recovery.StackDecision;
import java.util.List;

/** The dry run: what recovery would do now, per stack with its reason, and the boot levels. */
public record RecoveryPreview(boolean hostRebooted, List<String> pendingMarkers, List<Planned> decisions,
        List<List<StackName>> levels, List<String> notes) {
    public RecoveryPreview {
        pendingMarkers = List.copyOf(pendingMarkers);
        decisions = List.copyOf(decisions);
        levels = List.copyOf(levels);
        notes = List.copyOf(notes);
    }

    /** One stack's decision, flattened for JSON and tables. */
    public record Planned(String stack, String decision, String reason) {
        static Planned of(StackDecision d) {
            String kind = switch (d) {
                case StackDecision.Start s -> "start";
                case StackDecision.AlreadyUp u -> "already-up";
                case StackDecision.LeaveStopped l -> "leave-stopped";
                case StackDecision.NotStarted n -> "not-started";
                case StackDecision.AdoptUserStop a -> "adopt-user-stop";
                case StackDecision.Forget f -> "forget";
            };
            return new Planned(d.stack().value(), kind, d.reason());
        }
    }
}
