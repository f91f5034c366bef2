package dev.lifeline.control.command;

import java.util.UUID;

/**
 * No such workload on that host in the caller's team. Also what a workload of another team looks like, so that its
 * existence is not leaked (the API answers 404).
 */
public final class UnknownWorkloadException extends RuntimeException {
    public UnknownWorkloadException(UUID host, String workload) {
        super("no workload '" + workload + "' on host " + host + " in this team");
    }
}
