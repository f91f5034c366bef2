package dev.lifeline.control.lease;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One running {@code lifeline control} process among those sharing a database: its id is new at every start (a
 * restarted replica takes its hosts again as a newcomer, with the failover grace) and names it in the audit log.
 */
public record Replica(String id, Instant startedAt) {
    public Replica {
        if (id == null || id.isBlank() || id.length() > 200) {
            throw new IllegalArgumentException("replica id must be 1 to 200 characters, got '" + id + "'");
        }
    }

    /** {@code HOSTNAME-RANDOM}: readable in the audit log, unique across restarts. */
    public static Replica startingNow(Instant startedAt) {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        return new Replica(localHostName() + "-" + HexFormat.of().formatHex(random), startedAt);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "control";
        }
    }
}
