package dev.lifeline.core.backup;

import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import java.time.Instant;
import java.util.Optional;

/**
 * One stack of a job.
 *
 * @param target           what the plan said (containers, hooks)
 * @param mode             the mode used: the plan's, or stop in the fallback
 * @param status           where the stack is
 * @param quiesceStartedAt when the Quiesce action was issued
 * @param quiescedAt       when the stack was reported quiesced
 * @param resumeStartedAt  when the Resume action was issued
 * @param resumedAt        when the stack was reported resumed (or its resume reported failed)
 * @param error            what went wrong for this stack (quiesce or resume)
 */
public record StackDetail(QuiesceTarget target, QuiesceMode mode, Status status, Optional<Instant> quiesceStartedAt,
        Optional<Instant> quiescedAt, Optional<Instant> resumeStartedAt, Optional<Instant> resumedAt,
        Optional<String> error) {

    public enum Status {
        /** Not touched yet (and never touched if the job ends now). */
        PLANNED,
        /** Quiesce action issued, no outcome yet. */
        QUIESCING,
        /** Quiesced, or its quiesce failed part-way: either way it must be resumed. */
        QUIESCED,
        /** Resume action issued, no outcome yet. */
        RESUMING,
        RESUMED,
        RESUME_FAILED;

        /** A Quiesce was issued and no Resume yet: the stack may be down because of this job. */
        public boolean needsResume() {
            return this == QUIESCING || this == QUIESCED;
        }

        /** Nothing of this job is pending for the stack. */
        public boolean settled() {
            return this == PLANNED || this == RESUMED || this == RESUME_FAILED;
        }
    }

    public static StackDetail planned(QuiesceTarget target, QuiesceMode mode) {
        return new StackDetail(target, mode, Status.PLANNED, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    public StackName stack() {
        return target.stack();
    }

    StackDetail quiesceStarted(Instant now) {
        return new StackDetail(target, mode, Status.QUIESCING, Optional.of(now), quiescedAt, resumeStartedAt,
                resumedAt, error);
    }

    StackDetail quiesced(Instant now) {
        Status next = status == Status.QUIESCING ? Status.QUIESCED : status;
        return new StackDetail(target, mode, next, quiesceStartedAt, quiescedAt.or(() -> Optional.of(now)),
                resumeStartedAt, resumedAt, error);
    }

    StackDetail quiesceFailed(String reason) {
        Status next = status == Status.QUIESCING ? Status.QUIESCED : status;
        return new StackDetail(target, mode, next, quiesceStartedAt, quiescedAt, resumeStartedAt, resumedAt,
                Optional.of(withError("quiesce failed: " + reason)));
    }

    StackDetail resumeStarted(Instant now) {
        return new StackDetail(target, mode, Status.RESUMING, quiesceStartedAt, quiescedAt, Optional.of(now),
                resumedAt, error);
    }

    StackDetail resumed(Instant now) {
        return new StackDetail(target, mode, Status.RESUMED, quiesceStartedAt, quiescedAt, resumeStartedAt,
                Optional.of(now), error);
    }

    StackDetail resumeFailed(Instant now, String reason) {
        return new StackDetail(target, mode, Status.RESUME_FAILED, quiesceStartedAt, quiescedAt, resumeStartedAt,
                Optional.of(now), Optional.of(withError("resume failed: " + reason)));
    }

    private String withError(String message) {
        return error.map(e -> e + "; " + message).orElse(message);
    }
}
