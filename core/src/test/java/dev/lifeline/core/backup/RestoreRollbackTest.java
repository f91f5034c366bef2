package dev.lifeline.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.lifeline.core.backup.RestoreRollback.Reason;
import dev.lifeline.core.backup.RestoreRollback.Step;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestoreRollbackTest {
    private static final Path DB = Path.of("/srv/db");
    private static final Path DB_ASIDE = Path.of("/srv/db.lifeline-before-restore-j1");
    private static final Path DB_STAGING = Path.of("/srv/db.lifeline-restore-j1");
    private static final RestoreSwap DIR = new RestoreSwap(DB, DB_ASIDE, DB_STAGING, DB_STAGING, true);
    private static final Path CONF = Path.of("/etc/app.conf");
    private static final Path CONF_ASIDE = Path.of("/etc/app.conf.lifeline-before-restore-j1");
    private static final Path CONF_STAGING = Path.of("/etc/app.conf.lifeline-restore-j1");
    private static final RestoreSwap FILE = new RestoreSwap(CONF, CONF_ASIDE, CONF_STAGING.resolve("app.conf"),
            CONF_STAGING, true);

    private static List<Step> plan(List<RestoreSwap> swaps, Path... existing) {
        Set<Path> present = Set.of(existing);
        return RestoreRollback.plan(swaps, present::contains);
    }

    @Test
    void betweenTheRenamesTheLiveDataGoesBackAndTheRestoredCopyIsDeleted() {
        assertThat(plan(List.of(DIR), DB_ASIDE, DB_STAGING)).containsExactly(
                new Step.Move(DB_ASIDE, DB, Reason.LIVE_BACK),
                new Step.DeleteStaging(DB_STAGING));
    }

    @Test
    void aPathAlreadySwappedIsSwappedBackSoTheWholeRestoreIsUndone() {
        // The directory was swapped, the crash came between the renames of the file.
        assertThat(plan(List.of(DIR, FILE), DB, DB_ASIDE, CONF_ASIDE, CONF_STAGING)).containsExactly(
                new Step.Move(DB, DB_STAGING, Reason.RESTORED_OUT),
                new Step.Move(DB_ASIDE, DB, Reason.LIVE_BACK),
                new Step.Move(CONF_ASIDE, CONF, Reason.LIVE_BACK),
                new Step.DeleteStaging(DB_STAGING),
                new Step.DeleteStaging(CONF_STAGING));
    }

    @Test
    void aFileSwappedIsMovedBackIntoItsStagingFolder() {
        assertThat(plan(List.of(FILE), CONF, CONF_ASIDE, CONF_STAGING)).containsExactly(
                new Step.Move(CONF, CONF_STAGING.resolve("app.conf"), Reason.RESTORED_OUT),
                new Step.Move(CONF_ASIDE, CONF, Reason.LIVE_BACK),
                new Step.DeleteStaging(CONF_STAGING));
    }

    @Test
    void untouchedLiveDataStaysAndOnlyTheRestoredCopyGoes() {
        assertThat(plan(List.of(DIR), DB, DB_STAGING)).containsExactly(new Step.DeleteStaging(DB_STAGING));
        assertThat(plan(List.of(DIR), DB)).isEmpty();
    }

    @Test
    void liveDataFoundNowhereIsReportedNotInvented() {
        assertThat(plan(List.of(DIR), DB_STAGING)).containsExactly(new Step.Missing(DB, DB_ASIDE),
                new Step.DeleteStaging(DB_STAGING));
    }

    @Test
    void withoutLiveDataBeforeTheRestoreNothingIsPutBack() {
        RestoreSwap fresh = new RestoreSwap(DB, DB_ASIDE, DB_STAGING, DB_STAGING, false);
        assertThat(plan(List.of(fresh), DB)).as("the restored copy is in place and no one's data is at risk")
                .isEmpty();
        assertThat(plan(List.of(fresh), DB_STAGING)).containsExactly(new Step.DeleteStaging(DB_STAGING));
    }

    @Test
    void theRestoredCopyMustLieInItsStagingFolder() {
        assertThatIllegalArgumentException().isThrownBy(() ->
                new RestoreSwap(CONF, CONF_ASIDE, Path.of("/elsewhere/app.conf"), CONF_STAGING, true));
    }
}
