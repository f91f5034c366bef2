package dev.lifeline.control.auth;

/**
 * Who calls the API for people, from the bearer token: the operator (the admin token: every team, creates teams and
 * tokens) or a member of one team (a team token: that team's hosts, workloads, commands and audit events only).
 */
public sealed interface Principal {

    long tokenId();

    /** The teams this principal may see. */
    TeamScope scope();

    /** The name written as the actor of what this principal does ({@code admin}, {@code ci@ops}). */
    String actor();

    record Operator(long tokenId, String tokenName) implements Principal {
        @Override
        public TeamScope scope() {
            return TeamScope.everyTeam();
        }

        @Override
        public String actor() {
            return tokenName;
        }
    }

    record TeamMember(long tokenId, String tokenName, long teamId, String teamName) implements Principal {
        @Override
        public TeamScope scope() {
            return TeamScope.only(teamId);
        }

        @Override
        public String actor() {
            return tokenName + "@" + teamName;
        }
    }
}
