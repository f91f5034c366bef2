package dev.lifeline.cli.fleet;

/** The control plane answered with an error; its {@code detail} is the message. */
public final class ControlRefused extends RuntimeException {
    private final int status;

    public ControlRefused(ControlClient.Reply reply) {
        super(reply.error());
        this.status = reply.status();
    }

    /** A refusal of what the user asked or of their token (4xx), not a failure of the control plane. */
    public boolean badUsage() {
        return status == 400 || status == 401 || status == 403 || status == 404;
    }
}
