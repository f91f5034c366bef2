package dev.lifeline.cli.fleet;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** A path with query parameters, each value encoded; parameters without a value are left out. */
public final class Query {
    private final String path;
    private final StringJoiner params = new StringJoiner("&");

    public Query(String path) {
        this.path = path;
    }

    public Query add(String name, Object value) {
        if (value != null) {
            params.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
        }
        return this;
    }

    @Override
    public String toString() {
        return params.length() == 0 ? path : path + "?" + params;
    }
}
