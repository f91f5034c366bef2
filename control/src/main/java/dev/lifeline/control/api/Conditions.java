package dev.lifeline.control.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.Query;

/**
 * A WHERE clause made of the filters a request gives, each a fixed SQL fragment with its value bound by name (never
 * spliced into the text), so that PostgreSQL plans each query with only the conditions that apply and its indexes.
 */
final class Conditions {
    private final List<String> sql = new ArrayList<>();
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** Adds {@code fragment} (which names {@code :name}) when {@code value} is given. */
    Conditions add(String fragment, String name, Object value) {
        if (value != null) {
            sql.add(fragment);
            values.put(name, value);
        }
        return this;
    }

    /** " WHERE a AND b", or "" when no filter applies. */
    String where() {
        return sql.isEmpty() ? "" : " WHERE " + String.join(" AND ", sql);
    }

    Query bindTo(Query query) {
        values.forEach(query::bind);
        return query;
    }
}
