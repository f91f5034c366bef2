package dev.lifeline.control.monitor;

import dev.lifeline.core.fleet.MonitorAction;
import java.util.Locale;

/** What the monitor did, as its metrics count it ({@code lifeline_monitor_actions_total{kind}}). */
public enum ActionKind {
    SETTLE, RECORD, NOTE_DETAIL, DESTROY_ZOMBIE, MARK_UNREACHABLE, MARK_MISSING, HOLD_MASS_SILENCE,
    END_MASS_SILENCE_HOLD;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ActionKind of(MonitorAction action) {
        return switch (action) {
            case MonitorAction.SettleWorkload s -> SETTLE;
            case MonitorAction.RecordWorkload r -> RECORD;
            case MonitorAction.NoteDetail n -> NOTE_DETAIL;
            case MonitorAction.DestroyZombie d -> DESTROY_ZOMBIE;
            case MonitorAction.MarkUnreachable m -> MARK_UNREACHABLE;
            case MonitorAction.HoldForMassSilence h -> HOLD_MASS_SILENCE;
            case MonitorAction.EndMassSilenceHold e -> END_MASS_SILENCE_HOLD;
        };
    }
}
