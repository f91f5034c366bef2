package dev.lifeline.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    @Test
    void theSchemaIsAppliedOnOpenAndTheAuditLogIsAppendOnly() {
        try (Database db = TestDatabases.fresh()) {
            OffsetDateTime now = OffsetDateTime.ofInstant(Instant.parse("2026-12-06T00:00:00Z"), ZoneOffset.UTC);
            db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO audit_events (at, actor_kind, actor, action, reason, "
                    + "outcome) VALUES (:at, 'system', 'monitor', 'host_unreachable', 'no heartbeat', 'ok')")
                    .bind("at", now).execute());
            int events = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM audit_events")
                    .mapTo(Integer.class).one());
            assertThat(events).isEqualTo(1);
            assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.execute("UPDATE audit_events SET reason = 'x'")))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_events")))
                    .hasMessageContaining("append-only");
        }
    }

    @Test
    void reopeningAMigratedDatabaseAppliesNothingTwice() {
        try (Database first = TestDatabases.fresh()) {
            String name = first.jdbi().withHandle(h -> h.createQuery("SELECT current_database()")
                    .mapTo(String.class).one());
            int migrations = applied(first);
            assertThat(migrations).isPositive();
            try (Database again = Database.open(TestDatabases.urlOf(name), 2)) {
                assertThat(applied(again)).isEqualTo(migrations);
            }
        }
    }

    private static int applied(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM flyway_schema_history WHERE success")
                .mapTo(Integer.class).one());
    }

    @Test
    void anUnreachableServerIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> Database.open(DatabaseUrl.parse("postgresql://u:s3cret@127.0.0.1:1/x"), 1,
                Duration.ofMillis(200)))
                .isInstanceOf(StoreException.class).hasMessageContaining("u@127.0.0.1:1/x")
                .hasMessageNotContaining("s3cret");
    }
}
