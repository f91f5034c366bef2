package dev.lifeline.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.agent.api.Json;
import dev.lifeline.cli.backup.BackupModel.Due;
import dev.lifeline.cli.backup.BackupModel.Job;
import dev.lifeline.cli.backup.BackupModel.Progress;
import dev.lifeline.cli.backup.BackupModel.Restore;
import dev.lifeline.cli.backup.BackupModel.Restored;
import dev.lifeline.cli.backup.BackupModel.Snapshot;
import dev.lifeline.cli.backup.BackupModel.Verify;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The human output of the backup commands, as pure functions of the API's answers. */
class BackupViewTest {

    static Job job() throws Exception {
        return Json.mapper().readValue(SampleJobs.DONE, Job.class);
    }

    @Test
    void sizesAreBinaryWithOneDecimal() {
        assertThat(Human.bytes(0)).isEqualTo("0 B");
        assertThat(Human.bytes(1023)).isEqualTo("1023 B");
        assertThat(Human.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(Human.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Human.bytes(5L * 1024 * 1024)).isEqualTo("5.0 MiB");
        assertThat(Human.bytes(3221225472L)).isEqualTo("3.0 GiB");
        assertThat(Human.bytes(2L << 40)).isEqualTo("2.0 TiB");
    }

    @Test
    void durationsReadNaturallyAtEveryScale() {
        assertThat(Human.duration(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(Human.duration(Duration.ofMillis(2300))).isEqualTo("2.3s");
        assertThat(Human.duration(Duration.ofSeconds(65))).isEqualTo("1m05s");
        assertThat(Human.duration(Duration.ofMinutes(123))).isEqualTo("2h03m");
        assertThat(Human.duration(Duration.ofMillis(-5))).isEqualTo("0ms");
        assertThat(Human.millis(null)).isEqualTo("-");
    }

    @Test
    void timesAreShownInTheGivenZoneAndUnreadableOnesAsGiven() {
        assertThat(Human.time("2025-03-01T10:00:00Z", ZoneOffset.UTC)).isEqualTo("2025-03-01 10:00:00");
        assertThat(Human.time("2025-03-01T12:00:00+02:00", ZoneOffset.UTC)).isEqualTo("2025-03-01 10:00:00");
        assertThat(Human.time("2025-03-01T10:00:00Z", ZoneOffset.ofHours(1))).isEqualTo("2025-03-01 11:00:00");
        assertThat(Human.time(null, ZoneOffset.UTC)).isEqualTo("-");
        assertThat(Human.time("yesterday", ZoneOffset.UTC)).isEqualTo("yesterday");
    }

    @Test
    void theProgressBarShowsPhasePercentBytesAndElapsed() {
        Progress p = new Progress(42.5, 1288490189L, 3113851290L, 3, 4, 5.0);
        String line = ProgressBar.line("uploading", p, Duration.ofSeconds(65));
        assertThat(line).isEqualTo("uploading   [##########..............]  42.5%  1.2 GiB / 2.9 GiB  elapsed 1m05s");
    }

    @Test
    void beforeTheUploadTheBarIsEmptyAndThePercentUnknown() {
        assertThat(ProgressBar.line("quiescing", null, Duration.ofMillis(1500)))
                .isEqualTo("quiescing   [........................]     --  elapsed 1.5s");
        assertThat(ProgressBar.line("uploading", new Progress(250, 0, 0, 0, 0, 0), Duration.ZERO))
                .startsWith("uploading   [########################] 100.0%  elapsed");
        assertThat(ProgressBar.line("done", null, Duration.ofSeconds(2)))
                .isEqualTo("done        [########################] 100.0%  elapsed 2.0s");
    }

    @Test
    void redrawingInPlaceCoversTheRestOfALongerPreviousLine() {
        assertThat(ProgressBar.redraw("abc", 0)).isEqualTo("\rabc");
        assertThat(ProgressBar.redraw("abc", 5)).isEqualTo("\rabc  ");
        assertThat(ProgressBar.redraw("abcdef", 3)).isEqualTo("\rabcdef");
    }

    @Test
    void theJobRecordParsesIgnoringUnknownFieldsAndMissingLists() throws Exception {
        Job j = job();
        assertThat(j.finished()).isTrue();
        assertThat(j.maxDowntimeMs()).isEqualTo(2300L);
        assertThat(j.phases()).containsKeys("pending", "done");
        Job bare = Json.mapper().readValue("{\"job\":\"j-1\",\"phase\":\"pending\"}", Job.class);
        assertThat(bare.stacks()).isEmpty();
        assertThat(bare.uploads()).isEmpty();
        assertThat(bare.phases()).isEmpty();
        assertThat(bare.maxDowntimeMs()).isNull();
        assertThat(bare.finished()).isFalse();
    }

    @Test
    void statusShowsTheJobPhasesStacksUploadsExclusionsWhatRanBeforeTheQuiesceAndNotes() throws Exception {
        String out = BackupView.status(job(), ZoneOffset.UTC);
        assertThat(out).contains("job        j-42").contains("phase      done").contains("path       snapshot")
                .contains("requested  db, app").contains("finished   2025-03-01 10:01:05");
        assertThat(out).contains("phases:").contains("  quiescing    2025-03-01 10:00:01");
        assertThat(out).containsPattern("STACK +MODE +STATUS +QUIESCED AT +RESUMED AT +DOWNTIME +ERROR");
        assertThat(out).containsPattern("db +stop +resumed +2025-03-01 10:00:02 +2025-03-01 10:00:04 +2.3s");
        assertThat(out).containsPattern("app +pause +resume_failed +2025-03-01 10:00:02 +- +- +unpause failed");
        assertThat(out).contains("excluded: proxy (protected: lifeline.protected=true)");
        assertThat(out).contains("before the quiesce, while the apps served:")
                .containsPattern("prepare +db: psql in db-1 +120ms")
                .containsPattern("flush +/srv +1.8s")
                .containsPattern("flush +/mnt/nfs +1m00s +failed: did not finish within PT1M");
        assertThat(out).containsPattern("db +/srv/db +abc123 +1.5 KiB +3.0 GiB");
        assertThat(out).contains("note: db was stopped: no snapshot provider").doesNotContain("failure:");
        assertThat(out).doesNotContain("progress"); // finished: the bytes are in the uploads
    }

    @Test
    void statusOfARunningJobShowsProgressAndOfAFailedOneTheReason() throws Exception {
        Job running = Json.mapper().readValue("""
                {"job":"j-2","phase":"uploading","requestedStacks":[],
                 "progress":{"percent":42.5,"bytesDone":1024,"bytesTotal":4096,"filesDone":1,"filesTotal":8}}
                """, Job.class);
        assertThat(BackupView.status(running, ZoneOffset.UTC)).contains("requested  every running, unprotected stack")
                .contains("progress   42.5%, 1.0 KiB / 4.0 KiB, 1/8 files").contains("finished   -");
        Job failed = Json.mapper().readValue("{\"job\":\"j-3\",\"phase\":\"failed\",\"failure\":\"repository locked\"}",
                Job.class);
        assertThat(BackupView.status(failed, ZoneOffset.UTC)).contains("failure: repository locked");
    }

    @Test
    void jobsTableShowsStacksAndTheLongestDowntime() throws Exception {
        Job pending = Json.mapper().readValue(
                "{\"job\":\"j-43\",\"phase\":\"pending\",\"requestedStacks\":[\"web\"],\"createdAt\":\"2025-03-02T08:00:00Z\"}",
                Job.class);
        String out = BackupView.jobs(List.of(pending, job()), ZoneOffset.UTC);
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).matches("JOB +STARTED +PHASE +STACKS +MAX DOWNTIME +FAILURE");
        assertThat(lines.get(1)).matches("j-43 +2025-03-02 08:00:00 +pending +web +-");
        assertThat(lines.get(2)).matches("j-42 +2025-03-01 10:00:00 +done +db,app +2.3s");
        assertThat(BackupView.jobs(List.of(), ZoneOffset.UTC)).isEqualTo("no backup jobs\n");
    }

    @Test
    void snapshotsAreGroupedByJobNewestFirstNamingTheJobOnce() {
        List<Snapshot> snaps = List.of(
                new Snapshot("aaaa1111", "aaaa", "2025-03-01T10:00:00Z", "db", "j-1", "/srv/db", "/var/lib/db", "h"),
                new Snapshot("bbbb2222", "bbbb", "2025-03-02T10:00:00Z", "db", "j-2", "/srv/db", "/var/lib/db", "h"),
                new Snapshot("cccc3333", "cccc", "2025-03-01T10:00:05Z", "app", "j-1", "/srv/app", "/data", "h"),
                new Snapshot("dddd4444", null, "2025-02-01T00:00:00Z", "old", null, "/srv/old", null, "h"));
        List<String> lines = BackupView.snapshots(snaps, ZoneOffset.UTC).lines().toList();
        assertThat(lines.get(0)).matches("JOB +TIME +STACK +SNAPSHOT +SOURCE +MOUNT");
        assertThat(lines.get(1)).matches("j-2 +2025-03-02 10:00:00 +db +bbbb +/srv/db +/var/lib/db");
        assertThat(lines.get(2)).matches("j-1 +2025-03-01 10:00:05 +app +cccc +/srv/app +/data");
        assertThat(lines.get(3)).matches(" +2025-03-01 10:00:00 +db +aaaa +/srv/db +/var/lib/db");
        assertThat(lines.get(4)).matches("- +2025-02-01 00:00:00 +old +dddd4444 +/srv/old +-");
        assertThat(lines).hasSize(5);
        assertThat(BackupView.snapshots(List.of(), ZoneOffset.UTC)).isEqualTo("no snapshots\n");
    }

    @Test
    void theHostColumnAppearsOnlyWhenSnapshotsComeFromSeveralHosts() {
        List<Snapshot> snaps = List.of(
                new Snapshot("a", "a", "2025-03-01T10:00:00Z", "db", "j-1", "/srv/db", "/d", "one"),
                new Snapshot("b", "b", "2025-03-01T10:00:00Z", "db", "j-2", "/srv/db", "/d", "two"));
        assertThat(BackupView.snapshots(snaps, ZoneOffset.UTC).lines().findFirst().orElseThrow()).endsWith("HOST");
    }

    @Test
    void dueShowsSchedulesAndNeverForMissingTimes() {
        String out = BackupView.due(List.of(new Due("db", "0 3 * * *", true, null, "2025-03-01T03:00:00Z",
                "2025-03-02T03:00:00Z")), ZoneOffset.UTC);
        assertThat(out).containsPattern("STACK +SCHEDULE +DUE +LAST SUCCESS +LAST FAILURE +NEXT RUN");
        assertThat(out).containsPattern("db +0 3 \\* \\* \\* +yes +- +2025-03-01 03:00:00 +2025-03-02 03:00:00");
    }

    @Test
    void verifyAndRestoreReports() {
        String failed = BackupView.verify(new Verify("db", "j-1", "abc", false, 3, "line 1\nline 2\n",
                "the check exited 3"));
        assertThat(failed).startsWith("db: restore test failed (snapshot abc, job j-1, exit code 3)\n")
                .contains("the check exited 3\n").contains("output:\n  line 1\n  line 2\n");
        assertThat(BackupView.verify(new Verify("db", "j-1", "abc", true, 0, "", null)))
                .isEqualTo("db: restore test passed (snapshot abc, job j-1)\n");
        String restored = BackupView.restore(new Restore("db", "j-1",
                List.of(new Restored("/srv/db", "/srv/db", "abc")), List.of("/srv/db.before-restore"), true));
        assertThat(restored).isEqualTo("restored /srv/db -> /srv/db (snapshot abc)\n"
                + "the replaced data is kept in /srv/db.before-restore\ndb restarted\n");
    }

    @Test
    void aFinishedJobSummarisesStacksSnapshotsDowntimeAndExclusions() throws Exception {
        assertThat(BackupView.summary(job(), Duration.ofSeconds(65))).isEqualTo("backup job j-42 done in 1m05s: "
                + "2 stacks, 1 snapshot, max downtime 2.3s, 1 excluded (lifeline backup status j-42)");
        assertThat(BackupView.phaseLine(job(), Duration.ofMillis(500))).isEqualTo("backup job j-42: done (elapsed 500ms)");
    }
}
