package dev.lifeline.agent.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.backup.RestoreSwap;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.core.fault.CrashPoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On real files in a temp dir: the renames of an in-place restore, and undoing them after a crash. */
class InPlaceSwapsTest {
    @TempDir
    Path dir;

    private Path data;
    private Path conf;
    private RestoreRecords records;
    private RestoreRecords.Record record;

    /** A directory and a single file, each with its restored copy staged beside it as the restore leaves them. */
    @BeforeEach
    void stage() throws IOException {
        data = Files.createDirectories(dir.resolve("srv/data"));
        Files.writeString(data.resolve("d"), "live");
        conf = Files.writeString(dir.resolve("srv/app.conf"), "live conf");
        Path dataStaging = Files.createDirectories(dir.resolve("srv/data.lifeline-restore-j1"));
        Files.writeString(dataStaging.resolve("d"), "restored");
        Path confStaging = Files.createDirectories(dir.resolve("srv/app.conf.lifeline-restore-j1"));
        Files.writeString(confStaging.resolve("app.conf"), "restored conf");
        records = new RestoreRecords(dir.resolve("data-dir/restores"));
        record = new RestoreRecords.Record("j1", "shop", List.of(
                new RestoreSwap(data, dir.resolve("srv/data.lifeline-before-restore-j1"), dataStaging, dataStaging,
                        true),
                new RestoreSwap(conf, dir.resolve("srv/app.conf.lifeline-before-restore-j1"),
                        confStaging.resolve("app.conf"), confStaging, true)));
    }

    @Test
    void aCompletedSwapPutsTheRestoredCopiesInPlaceKeepsTheLiveDataAsideAndLeavesNoRecord() throws IOException {
        List<String> previous = new InPlaceSwaps(records, CrashPoints.NONE).apply(record);

        assertThat(Files.readString(data.resolve("d"))).isEqualTo("restored");
        assertThat(Files.readString(conf)).isEqualTo("restored conf");
        assertThat(previous).containsExactly(dir.resolve("srv/data.lifeline-before-restore-j1").toString(),
                dir.resolve("srv/app.conf.lifeline-before-restore-j1").toString());
        assertThat(Files.readString(dir.resolve("srv/app.conf.lifeline-before-restore-j1"))).isEqualTo("live conf");
        assertThat(dir.resolve("srv/app.conf.lifeline-restore-j1")).doesNotExist();
        assertThat(records.list()).isEmpty();
    }

    @Test
    void aCrashBetweenTheRenamesOfTheSecondPathIsUndoneForBothAtTheNextStart() throws IOException {
        AtomicInteger reached = new AtomicInteger();
        CrashPoints crashOnSecond = point -> {
            if (point.equals(CrashPoint.RESTORE_BETWEEN_RENAMES) && reached.incrementAndGet() == 2) {
                throw new IllegalStateException("simulated crash at " + point);
            }
        };
        assertThatThrownBy(() -> new InPlaceSwaps(records, crashOnSecond).apply(record))
                .hasMessageContaining("simulated crash");
        assertThat(conf).as("half way: the file is aside, its copy not yet in place").doesNotExist();
        assertThat(records.list()).containsExactly(record);

        new InPlaceSwaps(records, CrashPoints.NONE).finishAfterCrash();

        assertThat(Files.readString(data.resolve("d"))).isEqualTo("live");
        assertThat(Files.readString(conf)).isEqualTo("live conf");
        try (var left = Files.list(dir.resolve("srv"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("data", "app.conf");
        }
        assertThat(records.list()).isEmpty();
    }

    @Test
    void anUnreadableRecordIsKeptForAPersonAndDoesNotHideTheOthers() throws IOException {
        records.write(record);
        Files.writeString(dir.resolve("data-dir/restores/broken.json"), "{not json");

        assertThat(records.list()).containsExactly(record);
        assertThat(dir.resolve("data-dir/restores/broken.json")).exists();
    }
}
