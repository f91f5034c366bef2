package dev.lifeline.control.auth;

/**
 * The teams a query may read: every team (the operator) or one. Queries bind {@link #teamId()} (null for every team)
 * as {@code (CAST(:scope AS bigint) IS NULL OR team_id = :scope)}, so no query forgets the tenant.
 */
public record TeamScope(Long teamId) {
    public static TeamScope everyTeam() {
        return new TeamScope(null);
    }

    public static TeamScope only(long teamId) {
        return new TeamScope(teamId);
    }

    public boolean allows(long team) {
        return teamId == null || teamId == team;
    }
}
