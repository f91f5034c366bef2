package dev.lifeline.core.journal;

import dev.lifeline.core.backup.Hook;
import dev.lifeline.core.policy.QuiesceMode;
import java.util.List;

/**
 * How a backup job quiesces one stack, as its marker records it: enough for the next agent start to undo it after a
 * crash (unpause what was paused, start what was stopped, run the post-hooks of hook stacks).
 *
 * @param mode       the quiesce mode used
 * @param containers the containers quiesced (the ones running when the job planned): the only ones undone
 * @param postHooks  what to run once the stack is back
 */
public record QuiescedStack(QuiesceMode mode, List<String> containers, List<Hook> postHooks) {
    public QuiescedStack {
        containers = List.copyOf(containers);
        postHooks = List.copyOf(postHooks);
    }
}
