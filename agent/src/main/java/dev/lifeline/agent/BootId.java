package dev.lifeline.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The host's boot id: a reboot changes it, which tells recovery that every stopped stack was stopped by the reboot. */
final class BootId {
    private static final Logger log = LoggerFactory.getLogger(BootId.class);

    private BootId() {}

    static String read(Path file) {
        try {
            String id = Files.readString(file).trim();
            if (!id.isEmpty()) {
                return id;
            }
        } catch (IOException e) {
            log.warn("event=boot_id_unreadable file={} error=\"{}\" fallback=process_boot_time", file, e.toString());
        }
        // Without a boot id, the kernel's boot time (seconds since the epoch, from /proc/stat) identifies the boot.
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("btime ")) {
                    return "btime-" + line.substring(6).trim();
                }
            }
        } catch (IOException e) {
            log.warn("event=boot_time_unreadable error=\"{}\"", e.toString());
        }
        return "unknown";
    }
}
