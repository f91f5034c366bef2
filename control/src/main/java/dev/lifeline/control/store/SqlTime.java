package dev.lifeline.control.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Instants to and from {@code timestamptz}: bound as UTC offsets (never through the JVM's zone), arrays as ISO text for
 * {@code unnest(:x::timestamptz[])}, cut to the microseconds PostgreSQL keeps so a value read back compares equal.
 */
public final class SqlTime {
    private SqlTime() {}

    public static OffsetDateTime at(Instant instant) {
        return instant == null ? null
                : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    public static Instant read(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** For a {@code text[]} parameter cast to {@code timestamptz[]}; nulls stay null. */
    public static List<String> texts(Collection<Instant> instants) {
        List<String> out = new ArrayList<>(instants.size());
        for (Instant i : instants) {
            out.add(i == null ? null : i.truncatedTo(ChronoUnit.MICROS).toString());
        }
        return out;
    }
}
