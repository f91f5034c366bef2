package dev.lifeline.core.backup;

import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import java.util.List;

/**
 * One stack a job quiesces, and how.
 *
 * @param stack        the stack
 * @param mode         the most conservative mode its running containers ask for
 * @param containers   the names of its containers that were running when planned: the only ones quiesced and resumed
 * @param preHooks     run in order before the stack is quiesced (per container, exec without a shell)
 * @param postHooks    run in order after the stack is resumed
 * @param prepareHooks run in order before the job's marker, while the stack still serves; a failure is a note
 */
public record QuiesceTarget(StackName stack, QuiesceMode mode, List<String> containers, List<Hook> preHooks,
        List<Hook> postHooks, List<Hook> prepareHooks) {
    public QuiesceTarget {
        containers = List.copyOf(containers);
        preHooks = List.copyOf(preHooks);
        postHooks = List.copyOf(postHooks);
        prepareHooks = List.copyOf(prepareHooks);
    }

    /** A target without prepare hooks. */
    public QuiesceTarget(StackName stack, QuiesceMode mode, List<String> containers, List<Hook> preHooks,
            List<Hook> postHooks) {
        this(stack, mode, containers, preHooks, postHooks, List.of());
    }

    public QuiesceTarget withMode(QuiesceMode newMode) {
        return new QuiesceTarget(stack, newMode, containers, preHooks, postHooks, prepareHooks);
    }
}
