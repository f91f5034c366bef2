package dev.lifeline.agent.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.snapshot.Snapshot;
import dev.lifeline.core.snapshot.SnapshotException;
import dev.lifeline.core.snapshot.SnapshotProviders;
import dev.lifeline.core.snapshot.Support;
import dev.lifeline.testkit.btrfs.BtrfsLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing between the real providers: btrfs on btrfs, a staging copy elsewhere, and a full account when neither. */
@Tag("btrfs")
class SnapshotProvidersTest {
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    /** Created once for the class (a failure to create it fails every test), unmounted after the last. */
    @AutoClose
    private static final BtrfsLoop btrfs = BtrfsLoop.create();

    @TempDir
    Path dir;


    private SnapshotProviders providers(long stagingBudget) {
        return new SnapshotProviders(List.of(new BtrfsSnapshotProvider(),
                new StagingCopyProvider(stagingBudget, dir.resolve("staging"), Duration.ofMinutes(1))));
    }

    @Test
    void aTakeGoesToTheProviderThatReadiedIt() throws IOException {
        Path vol = btrfs.subvolume("ready-route");
        SnapshotTrees.populate(vol);
        Path local = Files.createDirectories(dir.resolve("local-data"));
        Files.writeString(local.resolve("a.txt"), "a");
        SnapshotProviders providers = providers(1024 * 1024);

        providers.ready(vol, "job-route", NOW);
        providers.ready(local, "job-route", NOW);
        Snapshot onBtrfs = providers.take(vol, "job-route", NOW);
        Snapshot staged = providers.take(local, "job-route", NOW);

        assertThat(onBtrfs.provider()).isEqualTo("btrfs");
        assertThat(staged.provider()).isEqualTo("staging-copy");
        assertThat(Files.readString(staged.location().resolve("a.txt"))).isEqualTo("a");
        providers.delete(onBtrfs);
        providers.delete(staged);
        providers.forgetReadied("job-route");
        assertThat(providers.leftovers(vol, "job-")).isEmpty();
        assertThat(providers.leftovers(local, "job-")).isEmpty();
    }

    @Test
    void picksBtrfsOnBtrfs() throws IOException {
        Path vol = btrfs.subvolume("picked");
        SnapshotTrees.populate(vol);
        SnapshotProviders providers = providers(1024 * 1024);

        assertThat(providers.choose(vol).name()).isEqualTo("btrfs");
        Snapshot s = providers.take(vol, "job-pick", NOW);
        assertThat(s.provider()).isEqualTo("btrfs");
        assertThat(providers.leftovers(vol, "job-")).containsExactly(s);
        providers.delete(s);
        assertThat(providers.leftovers(vol, "job-")).isEmpty();
    }

    @Test
    void picksStagingCopyOnExt4() throws IOException {
        Path data = dir.resolve("data");
        SnapshotTrees.populate(data);
        SnapshotProviders providers = providers(1024 * 1024);

        assertThat(providers.choose(data).name()).isEqualTo("staging-copy");
        Snapshot s = providers.take(data, "job-pick", NOW);
        assertThat(s.provider()).isEqualTo("staging-copy");
        assertThat(SnapshotTrees.describe(s.location())).isEqualTo(SnapshotTrees.describe(data));
        assertThat(providers.leftovers(data, "")).containsExactly(s);
        providers.delete(s);
        assertThat(providers.leftovers(data, "")).isEmpty();
    }

    @Test
    void whenNoneFitsTheErrorNamesEveryProviderAndWhy() throws IOException {
        Path data = dir.resolve("data");
        SnapshotTrees.populate(data);
        Files.write(data.resolve("big"), new byte[8 * 1024]);
        SnapshotProviders providers = providers(1024);
        Path real = data.toRealPath();
        String fsType = MountTable.read().find(real).orElseThrow().fsType();

        assertThatThrownBy(() -> providers.choose(data))
                .isInstanceOf(SnapshotException.class)
                .hasMessageStartingWith("no snapshot provider can take " + data + ": btrfs: " + real + " is on "
                        + fsType)
                .hasMessageContaining("not btrfs; staging-copy: " + real + " needs ")
                .hasMessageContaining(", budget is 1 KiB");
        List<SnapshotProviders.Attempt> attempts = providers.attempts(data);
        assertThat(attempts).extracting(SnapshotProviders.Attempt::provider).containsExactly("btrfs", "staging-copy");
        assertThat(attempts).allSatisfy(a -> assertThat(a.support()).isInstanceOf(Support.Unsupported.class));
    }

    @Test
    void deletingASnapshotOfAnUnconfiguredProviderSaysWhatToDo() {
        SnapshotProviders providers = new SnapshotProviders(List.of(new BtrfsSnapshotProvider()));
        Snapshot zfs = new Snapshot("zfs", dir, dir, "job-z", NOW, "tank/data@lifeline-job-z");

        assertThatThrownBy(() -> providers.delete(zfs))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("provider 'zfs', which is not configured (configured: [btrfs])");
    }
}
