package dev.lifeline.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Follows a listing's pages (its {@code next} cursor) until the end or {@code limit} items. */
public final class ControlPages {
    private ControlPages() {}

    /**
     * @param path the listing with its filters ({@code /v1/hosts?status=online})
     * @param items the array field of each page ({@code hosts})
     * @param cursor the parameter that takes {@code next} ({@code after}, or {@code before} for the audit log)
     * @param pageSize the page size asked for
     */
    public static List<JsonNode> collect(ControlClient client, String path, String items, String cursor, int pageSize,
            int limit) {
        List<JsonNode> out = new ArrayList<>();
        String next = null;
        do {
            int size = Math.min(pageSize, limit - out.size());
            String url = path + (path.contains("?") ? "&" : "?") + "limit=" + size
                    + (next == null ? "" : "&" + cursor + "=" + next);
            ControlClient.Reply reply = client.get(url);
            if (!reply.ok()) {
                throw new ControlRefused(reply);
            }
            reply.body().get(items).forEach(out::add);
            JsonNode n = reply.body().get("next");
            next = n == null || n.isNull() ? null : n.asText();
        } while (next != null && out.size() < limit);
        return out;
    }
}
