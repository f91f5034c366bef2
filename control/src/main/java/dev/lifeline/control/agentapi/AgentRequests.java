package dev.lifeline.control.agentapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.wire.CommandResult;
import dev.lifeline.core.fleet.wire.Heartbeat;
import dev.lifeline.core.fleet.wire.RegisterRequest;
import dev.lifeline.core.fleet.wire.ReportedStack;
import dev.lifeline.core.model.StackName;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads and checks the agents' request bodies before anything is written: a body over its limit is refused (413)
 * without being read to its end, a body that is not the expected JSON, or breaks a rule, is refused (400) with the
 * field and what is wrong.
 */
final class AgentRequests {
    /** Most command ids a long-poll may name as known. */
    static final int MAX_KNOWN = 200;
    private final ObjectMapper json;
    private final AgentApiSettings settings;

    AgentRequests(ObjectMapper json, AgentApiSettings settings) {
        this.json = json;
        this.settings = settings;
    }

    /** At most {@code limit} bytes of the body; more is a 413 (the declared length is checked first). */
    static byte[] read(long declaredLength, InputStream body, int limit) {
        if (declaredLength > limit) {
            throw AgentApiException.tooLarge("request body of " + declaredLength + " bytes is over the limit of "
                    + limit + " bytes");
        }
        try {
            byte[] bytes = body.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw AgentApiException.tooLarge("request body is over the limit of " + limit + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw AgentApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    RegisterRequest register(byte[] body) {
        RegisterRequest r = parse(body, RegisterRequest.class);
        require(r.joinToken() != null && !r.joinToken().isBlank(), "joinToken is required");
        require(r.joinToken().length() <= 200, "joinToken is longer than any join token");
        require(r.hostname() != null && !r.hostname().isBlank(), "hostname is required");
        require(r.hostname().length() <= 253 && r.hostname().chars().allMatch(c -> c > ' ' && c < 0x7f),
                "hostname must be 1-253 printable characters without spaces");
        requireVersion(r.agentVersion());
        return r;
    }

    Heartbeat heartbeat(byte[] body) {
        Heartbeat h = parse(body, Heartbeat.class);
        require(h.sequence() >= 0, "sequence must be 0 or more, got " + h.sequence());
        requireVersion(h.agentVersion());
        // an absent list must not read as "no stacks": that would mark every workload of the host gone
        require(h.stacks() != null, "stacks is required: the full report of every stack ([] when there is none)");
        require(h.stacks().size() <= settings.maxStacks(), "stacks has " + h.stacks().size() + " entries; at most "
                + settings.maxStacks() + " are accepted");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < h.stacks().size(); i++) {
            ReportedStack s = h.stacks().get(i);
            String where = "stacks[" + i + "]";
            require(s != null, where + " is null");
            require(StackName.isValid(s.name()), where + ".name '" + s.name() + "' is not a stack name (1-128 letters,"
                    + " digits, '_', '.' or '-')");
            require(names.add(s.name()), where + ".name '" + s.name() + "' is reported twice");
            require(reportable(s.status()), where + ".status '" + s.status() + "' is not one of running, paused, "
                    + "stopped, error, starting, stopping, pausing, resuming, snapshotting");
            require(s.detail() == null || s.detail().length() <= AgentApiSettings.MAX_DETAIL_LENGTH,
                    where + ".detail is longer than " + AgentApiSettings.MAX_DETAIL_LENGTH + " characters");
        }
        List<CommandResult> results = h.results() == null ? List.of() : h.results();
        require(results.size() <= settings.maxResults(), "results has " + results.size() + " entries; at most "
                + settings.maxResults() + " are accepted");
        for (int i = 0; i < results.size(); i++) {
            CommandResult r = results.get(i);
            String where = "results[" + i + "]";
            require(r != null, where + " is null");
            require(isUuid(r.commandId()), where + ".commandId '" + r.commandId() + "' is not a command id");
            require(r.error() == null || r.error().length() <= AgentApiSettings.MAX_ERROR_LENGTH,
                    where + ".error is longer than " + AgentApiSettings.MAX_ERROR_LENGTH + " characters");
        }
        return new Heartbeat(h.sequence(), h.agentVersion(), h.stacks(), results);
    }

    /** {@code waitMs} of a long-poll: absent is 0 (answer at once). */
    long waitMillis(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        long max = settings.maxLongPoll().toMillis();
        try {
            long ms = Long.parseLong(value.strip());
            require(ms >= 0 && ms <= max, "waitMs must be between 0 and " + max + ", got " + ms);
            return ms;
        } catch (NumberFormatException e) {
            throw AgentApiException.badRequest("waitMs must be a whole number of milliseconds, got '" + value + "'");
        }
    }

    /** {@code known} of a long-poll: the command ids the agent has, comma separated; absent is none. */
    Set<UUID> knownIds(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        String[] ids = value.split(",");
        require(ids.length <= MAX_KNOWN, "known names " + ids.length + " commands; at most " + MAX_KNOWN
                + " are accepted");
        Set<UUID> known = new HashSet<>();
        for (String id : ids) {
            require(isUuid(id.strip()), "known: '" + id + "' is not a command id");
            known.add(UUID.fromString(id.strip()));
        }
        return known;
    }

    private <T> T parse(byte[] body, Class<T> type) {
        require(body.length > 0, "the request body is empty; expected a JSON object");
        try {
            T value = json.readValue(body, type);
            require(value != null, "the request body is null; expected a JSON object");
            return value;
        } catch (JsonProcessingException e) {
            throw AgentApiException.badRequest("the request body is not a valid " + type.getSimpleName() + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw AgentApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    private static void requireVersion(String version) {
        require(version == null || version.length() <= AgentApiSettings.MAX_VERSION_LENGTH,
                "agentVersion is longer than " + AgentApiSettings.MAX_VERSION_LENGTH + " characters");
    }

    private static boolean reportable(String status) {
        try {
            return WorkloadStatus.fromWire(status) != WorkloadStatus.MISSING;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isUuid(String value) {
        try {
            return value != null && UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw AgentApiException.badRequest(message);
        }
    }
}
