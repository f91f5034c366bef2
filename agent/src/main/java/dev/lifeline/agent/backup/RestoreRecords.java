package dev.lifeline.agent.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.agent.api.Json;
import dev.lifeline.core.backup.RestoreSwap;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable records of in-place restores in flight, one file per restore in {@code DATA_DIR/restores}: written and
 * synced before the first rename, removed after the last. A record still there at the next start is a restore that
 * a crash interrupted.
 */
final class RestoreRecords {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RestoreRecords.class);
    private static final ObjectMapper JSON = Json.mapper();
    private static final String SUFFIX = ".json";

    /** One restore: which job's backup of which stack, and its swaps in the order they are made. */
    record Record(String job, String stack, List<RestoreSwap> swaps) {
        Record {
            swaps = List.copyOf(swaps);
        }

        String fileName() {
            return (job + "-" + stack).replaceAll("[^A-Za-z0-9._-]", "_") + SUFFIX;
        }
    }

    /** The stored shape: plain strings. */
    private record Stored(String job, String stack, List<StoredSwap> swaps) {}

    private record StoredSwap(String source, String aside, String restored, String staging, boolean hadSource) {}

    private final Path folder;

    RestoreRecords(Path folder) {
        this.folder = folder;
    }

    /** Writes the record atomically and durably; the renames may begin once this returns. */
    void write(Record record) {
        Path file = folder.resolve(record.fileName());
        Path tmp = folder.resolve(record.fileName() + ".tmp");
        Stored stored = new Stored(record.job(), record.stack(), record.swaps().stream()
                .map(w -> new StoredSwap(w.source().toString(), w.aside().toString(), w.restored().toString(),
                        w.staging().toString(), w.hadSource())).toList());
        try {
            Files.createDirectories(folder);
            Files.write(tmp, JSON.writeValueAsBytes(stored));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncFolder();
        } catch (IOException e) {
            throw new IllegalStateException("cannot record the restore in " + file + " (" + e.getMessage()
                    + "): nothing was renamed; check that " + folder + " is writable and the disk is not full", e);
        }
    }

    void delete(Record record) {
        try {
            Files.deleteIfExists(folder.resolve(record.fileName()));
            syncFolder();
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove the restore record " + folder.resolve(record.fileName())
                    + ": " + e.getMessage(), e);
        }
    }

    /** The records left by restores a crash interrupted. */
    List<Record> list() throws IOException {
        List<Record> result = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return result;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    Stored s = JSON.readValue(file.toFile(), Stored.class);
                    result.add(new Record(s.job(), s.stack(), s.swaps().stream()
                            .map(w -> new RestoreSwap(Path.of(w.source()), Path.of(w.aside()),
                                    Path.of(w.restored()), Path.of(w.staging()), w.hadSource())).toList()));
                } catch (IOException | RuntimeException e) {
                    // Kept for a person to read: it names the paths of a restore that did not finish.
                    log.error("event=restore_record_unreadable file={} error=\"{}\"", file,
                            BackupRunner.message(e));
                }
            }
        }
        return result;
    }

    private void syncFolder() {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // Some filesystems cannot sync a directory; the file is written, only its durability is weaker.
        }
    }
}
