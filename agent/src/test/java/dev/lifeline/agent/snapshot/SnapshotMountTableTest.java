package dev.lifeline.agent.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.snapshot.ByteSizes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing /proc/self/mountinfo and formatting sizes for snapshot messages (no real filesystem needed). */
class SnapshotMountTableTest {
    private static final MountTable TABLE = MountTable.parse(List.of(
            "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
            "40 22 0:35 / /srv rw,relatime shared:20 - btrfs /dev/loop0 rw,space_cache=v2,subvolid=5,subvol=/",
            "41 22 0:35 /@data /srv/data\\040dir rw,relatime shared:21 - btrfs /dev/loop0 rw,subvolid=256",
            "42 22 0:40 / /srv/stack rw master:3 - tmpfs tmpfs rw",
            "43 22 0:41 / /srv/stack rw - xfs /dev/sdb1 rw",
            "garbage line"));

    @Test
    void longestMountPointWinsAndStackedMountsTakeTheLast() {
        assertThat(TABLE.find(Path.of("/home/x")).orElseThrow().fsType()).isEqualTo("ext4");
        assertThat(TABLE.find(Path.of("/srv/a")).orElseThrow().mountPoint()).isEqualTo(Path.of("/srv"));
        assertThat(TABLE.find(Path.of("/srv/stack/db")).orElseThrow().fsType()).isEqualTo("xfs");
        // Path prefixes by name, not by characters: /srv/stackx is on /srv.
        assertThat(TABLE.find(Path.of("/srv/stackx")).orElseThrow().fsType()).isEqualTo("btrfs");
    }

    @Test
    void escapedMountPointsAndSubvolumeRoots() {
        MountTable.Mount m = TABLE.find(Path.of("/srv/data dir/pg")).orElseThrow();
        assertThat(m.mountPoint()).isEqualTo(Path.of("/srv/data dir"));
        assertThat(m.root()).isEqualTo("/@data");
        assertThat(m.device()).isEqualTo("0:35").isEqualTo(TABLE.find(Path.of("/srv")).orElseThrow().device());
        assertThat(m.source()).isEqualTo("/dev/loop0");
        assertThat(MountTable.unescape("a\\134b\\011c\\9")).isEqualTo("a\\b\tc\\9");
    }

    @Test
    void theSubvolumeMountedHereComesFromTheSuperOptions() {
        assertThat(TABLE.find(Path.of("/srv/a")).orElseThrow().btrfsSubvolumeId()).contains(5L);
        assertThat(TABLE.find(Path.of("/srv/data dir/pg")).orElseThrow().btrfsSubvolumeId()).contains(256L);
        assertThat(TABLE.find(Path.of("/srv/stack/db")).orElseThrow().btrfsSubvolumeId()).isEmpty();
        assertThat(MountTable.parse(List.of("40 22 0:35 / /x rw - btrfs /dev/loop0 rw,subvolid=oops"))
                .find(Path.of("/x")).orElseThrow().btrfsSubvolumeId()).isEmpty();
        assertThat(MountTable.parse(List.of("40 22 0:35 / /x rw - btrfs /dev/loop0"))
                .find(Path.of("/x")).orElseThrow().btrfsSubvolumeId()).isEmpty();
    }

    @Test
    void readsThisProcessesMounts() {
        assertThat(MountTable.read().find(Path.of("/")).orElseThrow().mountPoint()).isEqualTo(Path.of("/"));
    }

    @Test
    void byteSizes() {
        assertThat(ByteSizes.format(512)).isEqualTo("512 B");
        assertThat(ByteSizes.format(1024)).isEqualTo("1 KiB");
        assertThat(ByteSizes.format(1024L * 1024 * 1024)).isEqualTo("1 GiB");
        assertThat(ByteSizes.format((long) (2.1 * 1024 * 1024 * 1024))).isEqualTo("2.1 GiB");
    }
}
