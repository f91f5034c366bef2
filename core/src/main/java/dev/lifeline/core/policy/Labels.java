package dev.lifeline.core.policy;

/** The container labels Lifeline reads: its own policy labels and the ones compose tools write. */
public final class Labels {
    private Labels() {}

    /** Groups containers into a stack; overrides the compose project. */
    public static final String STACK = "lifeline.stack";
    /** {@code true}: Lifeline never stops the stack (it is still brought back after a reboot). */
    public static final String PROTECTED = "lifeline.protected";
    /** Integer in [-1000, 1000]; lower tiers start first. */
    public static final String TIER = "lifeline.tier";
    /** Comma-separated stack names this stack needs running first. */
    public static final String DEPENDS_ON = "lifeline.depends-on";
    /** How a job quiesces the stack: stop, pause, hook or none. */
    public static final String QUIESCE = "lifeline.quiesce";
    /**
     * Command run in the container before a job's marker, while the app still serves (e.g. PostgreSQL's
     * {@code CHECKPOINT}), so that its own shutdown or hook has less to write inside the downtime.
     */
    public static final String QUIESCE_PREPARE = "lifeline.quiesce.prepare";
    /** Command run before a hook quiesce. */
    public static final String QUIESCE_PRE = "lifeline.quiesce.pre";
    /** Command run after a hook quiesce. */
    public static final String QUIESCE_POST = "lifeline.quiesce.post";
    /** Command that verifies the stack is working after it was (re)started. */
    public static final String VERIFY = "lifeline.verify";

    public static final String COMPOSE_PROJECT = "com.docker.compose.project";
    public static final String COMPOSE_SERVICE = "com.docker.compose.service";
    /** Written by compose v2: {@code service:condition:restart} entries, comma-separated. */
    public static final String COMPOSE_DEPENDS_ON = "com.docker.compose.depends_on";
    public static final String COMPOSE_WORKING_DIR = "com.docker.compose.project.working_dir";
    /** Comma-separated paths of the project's compose files. */
    public static final String COMPOSE_CONFIG_FILES = "com.docker.compose.project.config_files";
}
