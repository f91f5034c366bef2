package dev.lifeline.agent.control;

/** A call to the control plane that did not succeed, and what kind of failure it was. */
public final class ControlPlaneException extends RuntimeException {

    public enum Kind {
        /** Not reached, timed out, or it answered 5xx: try again later. */
        UNREACHABLE,
        /** The token was refused (401): a join token used already, a host token revoked or unknown. */
        UNAUTHORIZED,
        /** The request was refused as malformed or too large (4xx): sending it again will not help. */
        REJECTED
    }

    private final Kind kind;

    public ControlPlaneException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
