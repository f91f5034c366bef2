package dev.lifeline.control.auth;

import static dev.lifeline.control.store.SqlTime.read;
import static dev.lifeline.control.store.SqlTime.at;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** The teams table. */
public final class TeamStore {
    private static final RowMapper<Team> TEAM = (rs, ctx) -> new Team(rs.getLong("id"), rs.getString("name"),
            read(rs, "created_at"));

    private final Jdbi jdbi;

    public TeamStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Creates {@code name} in {@code h}'s transaction; empty when a team of that name exists already. */
    public Optional<Team> create(Handle h, String name, Instant now) {
        return h.createQuery("INSERT INTO teams (name, created_at) VALUES (:name, :now) "
                + "ON CONFLICT (name) DO NOTHING RETURNING id, name, created_at")
                .bind("name", name).bind("now", at(now)).map(TEAM).findOne();
    }

    /** The team {@code name}, created when missing (the {@code default} team at first start). */
    public Team ensure(Handle h, String name, Instant now) {
        return create(h, name, now).or(() -> find(h, name)).orElseThrow();
    }

    public Optional<Team> find(String name) {
        return jdbi.withHandle(h -> find(h, name));
    }

    private static Optional<Team> find(Handle h, String name) {
        return h.createQuery("SELECT id, name, created_at FROM teams WHERE name = :name").bind("name", name)
                .map(TEAM).findOne();
    }

    /** The teams {@code scope} may see, by name. */
    public List<Team> list(TeamScope scope) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, created_at FROM teams "
                + "WHERE (CAST(:scope AS bigint) IS NULL OR id = :scope) ORDER BY name")
                .bind("scope", scope.teamId()).map(TEAM).list());
    }
}
