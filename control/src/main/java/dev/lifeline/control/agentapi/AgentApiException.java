package dev.lifeline.control.agentapi;

/** A request the agent API refuses, with the HTTP status it answers and a message saying what to fix. */
public final class AgentApiException extends RuntimeException {
    private final int status;

    private AgentApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static AgentApiException badRequest(String message) {
        return new AgentApiException(400, message);
    }

    static AgentApiException unauthorized(String message) {
        return new AgentApiException(401, message);
    }

    static AgentApiException tooLarge(String message) {
        return new AgentApiException(413, message);
    }

    static AgentApiException unavailable(String message) {
        return new AgentApiException(503, message);
    }
}
