package dev.lifeline.agent.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.core.backup.Hook;
import dev.lifeline.core.journal.JournalException;
import dev.lifeline.core.journal.QuiescedStack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A quiesce marker's per-stack detail as the JSON the journal stores in {@code markers.detail}. */
final class MarkerDetail {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Entry>> TYPE = new TypeReference<>() {};

    private MarkerDetail() {}

    /** The stored shape: plain strings, so a newer build can still read what an older one wrote. */
    record Entry(String mode, List<String> containers, List<HookEntry> postHooks) {}

    record HookEntry(String container, List<String> argv) {}

    static String write(Map<StackName, QuiescedStack> quiesced) {
        Map<String, Entry> out = new TreeMap<>();
        quiesced.forEach((stack, q) -> out.put(stack.value(), new Entry(q.mode().labelValue(), q.containers(),
                q.postHooks().stream().map(h -> new HookEntry(h.container(), h.argv())).toList())));
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new JournalException("cannot encode marker detail: " + e.getMessage(), e);
        }
    }

    static Map<StackName, QuiescedStack> read(String text) {
        if (text == null || text.isBlank() || text.equals("{}")) {
            return Map.of();
        }
        try {
            Map<StackName, QuiescedStack> result = new LinkedHashMap<>();
            JSON.readValue(text, TYPE).forEach((stack, e) -> result.put(StackName.of(stack), new QuiescedStack(
                    QuiesceMode.fromLabel(e.mode()).orElse(QuiesceMode.STOP),
                    e.containers() == null ? List.of() : e.containers(),
                    e.postHooks() == null ? List.of()
                            : e.postHooks().stream().map(h -> new Hook(h.container(), h.argv())).toList())));
            return result;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new JournalException("marker detail is unreadable (" + e.getMessage() + "): " + text, e);
        }
    }
}
