package dev.lifeline.agent.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.core.log.KeyValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the control plane gave this agent when it joined: the host's id and token, with the control plane's URL (a
 * token is good only there). Kept in {@code DATA_DIR/control-plane.json}, mode 0600, written atomically and fsynced;
 * {@link #toString()} never shows the token.
 */
public record HostCredentials(String controlPlane, String hostId, String hostToken) {
    private static final Logger LOG = LoggerFactory.getLogger(HostCredentials.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Override
    public String toString() {
        return "host " + hostId + " at " + controlPlane;
    }

    /** The saved credentials; empty when the agent has not joined. An unreadable file is an error naming the fix. */
    public static Optional<HostCredentials> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            HostCredentials c = JSON.readValue(file.toFile(), HostCredentials.class);
            if (c == null || c.hostId() == null || c.hostToken() == null || c.controlPlane() == null) {
                throw new IOException("a field is missing");
            }
            return Optional.of(c);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the control plane credentials " + file + " ("
                    + e.getMessage() + "); move it aside and join again with a new join token", e);
        }
    }

    /** Writes the credentials to {@code file} (0600): a temporary file, fsynced, renamed over it, the dir fsynced. */
    public void save(Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(JSON.writeValueAsBytes(this)));
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                LOG.debug(KeyValues.line("event", "dir_sync_unsupported", "path", file.getParent(), "error", e));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot save the control plane credentials to " + file + ": "
                    + e.getMessage() + "; check that the data dir is writable and the disk not full", e);
        }
    }
}
