package dev.lifeline.core.backup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What to do with an in-place restore that a crash interrupted (its swaps are still recorded): put every path back
 * as it was before the restore. The restore did not complete, and the user's live data must never be lost: a path
 * whose live data is aside gets it back (after the restored copy, if it already took the place, is moved out of
 * the way); the restored copies, Lifeline's own and restorable again from the repository, are deleted. Pure: what
 * exists is an argument.
 */
public final class RestoreRollback {
    private RestoreRollback() {}

    /** One step, applied in list order. */
    public sealed interface Step {
        /** Rename {@code from} to {@code to} (same filesystem, atomic). */
        record Move(Path from, Path to, Reason reason) implements Step {}

        /** Delete the staging folder, a restored copy Lifeline made. */
        record DeleteStaging(Path staging) implements Step {}

        /** Neither the live data nor its aside copy exists: nothing can be put back; to be reported. */
        record Missing(Path source, Path aside) implements Step {}
    }

    /** Why a move is made. */
    public enum Reason {
        /** The restored copy had already taken the live data's place: it leaves again. */
        RESTORED_OUT,
        /** The live data set aside goes back into its place. */
        LIVE_BACK
    }

    public static List<Step> plan(List<RestoreSwap> swaps, Predicate<Path> exists) {
        List<Step> steps = new ArrayList<>();
        List<Path> stagings = new ArrayList<>();
        for (RestoreSwap w : swaps) {
            boolean stagingLeft = exists.test(w.staging());
            if (w.hadSource()) {
                boolean source = exists.test(w.source());
                if (exists.test(w.aside())) {
                    if (source) {
                        steps.add(new Step.Move(w.source(), w.restored(), Reason.RESTORED_OUT));
                        stagingLeft = true;
                    }
                    steps.add(new Step.Move(w.aside(), w.source(), Reason.LIVE_BACK));
                } else if (!source) {
                    steps.add(new Step.Missing(w.source(), w.aside()));
                }
            }
            // Without live data before the restore there is nothing to put back; a copy already in place stays.
            if (stagingLeft) {
                stagings.add(w.staging());
            }
        }
        stagings.forEach(s -> steps.add(new Step.DeleteStaging(s)));
        return steps;
    }
}
