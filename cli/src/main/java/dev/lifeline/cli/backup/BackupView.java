package dev.lifeline.cli.backup;

import dev.lifeline.cli.Table;
import dev.lifeline.cli.backup.BackupModel.Due;
import dev.lifeline.cli.backup.BackupModel.Exclusion;
import dev.lifeline.cli.backup.BackupModel.Job;
import dev.lifeline.cli.backup.BackupModel.Restore;
import dev.lifeline.cli.backup.BackupModel.Restored;
import dev.lifeline.cli.backup.BackupModel.Snapshot;
import dev.lifeline.cli.backup.BackupModel.StackRun;
import dev.lifeline.cli.backup.BackupModel.Upload;
import dev.lifeline.cli.backup.BackupModel.Verify;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Human output of the backup and restore commands: pure functions from the API's answers to text. */
public final class BackupView {
    private BackupView() {}

    /** {@code lifeline backup status}: the job, its phases, a table per stack, uploads, failure and notes. */
    public static String status(Job job, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        List<List<String>> head = new ArrayList<>();
        head.add(List.of("job", job.job()));
        head.add(List.of("phase", job.phase()));
        head.add(List.of("path", job.path() == null ? "-" : job.path()));
        head.add(List.of("requested", job.requestedStacks().isEmpty() ? "every running, unprotected stack"
                : String.join(", ", job.requestedStacks())));
        head.add(List.of("created", Human.time(job.createdAt(), zone)));
        head.add(List.of("finished", Human.time(job.finishedAt(), zone)));
        if (job.progress() != null && !job.finished()) {
            BackupModel.Progress p = job.progress();
            head.add(List.of("progress", String.format(java.util.Locale.ROOT, "%.1f%%", p.percent())
                    + (p.bytesTotal() > 0 ? ", " + Human.bytes(p.bytesDone()) + " / " + Human.bytes(p.bytesTotal())
                            : "")
                    + (p.filesTotal() > 0 ? ", " + p.filesDone() + "/" + p.filesTotal() + " files" : "")));
        }
        out.append(Table.render(head));
        if (!job.phases().isEmpty()) {
            out.append("\nphases:\n");
            List<List<String>> phases = new ArrayList<>();
            job.phases().forEach((phase, at) -> phases.add(List.of("  " + phase, Human.time(at, zone))));
            out.append(Table.render(phases));
        }
        if (!job.prepareHooks().isEmpty() || !job.flushes().isEmpty()) {
            out.append("\nbefore the quiesce, while the apps served:\n");
            List<List<String>> rows = new ArrayList<>();
            for (BackupModel.PrepareHook h : job.prepareHooks()) {
                rows.add(List.of("  prepare", h.stack() + ": " + h.program() + " in " + h.container(),
                        Human.millis(h.millis()), h.failure() == null ? "" : "failed: " + h.failure()));
            }
            for (BackupModel.Flush f : job.flushes()) {
                rows.add(List.of("  flush", orDash(f.filesystem()), Human.millis(f.millis()),
                        f.failure() == null ? "" : "failed: " + f.failure()));
            }
            out.append(Table.render(rows));
        }
        if (!job.stacks().isEmpty()) {
            out.append('\n');
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("STACK", "MODE", "STATUS", "QUIESCED AT", "RESUMED AT", "DOWNTIME", "ERROR"));
            for (StackRun s : job.stacks()) {
                rows.add(List.of(s.stack(), orDash(s.mode()), orDash(s.status()), Human.time(s.quiescedAt(), zone),
                        Human.time(s.resumedAt(), zone), Human.millis(s.downtimeMs()), orEmpty(s.error())));
            }
            out.append(Table.render(rows));
        }
        for (Exclusion e : job.excluded()) {
            out.append("excluded: ").append(e.stack()).append(" (").append(orDash(e.reason()))
                    .append(e.detail() == null || e.detail().isBlank() ? "" : ": " + e.detail()).append(")\n");
        }
        if (!job.uploads().isEmpty()) {
            out.append('\n');
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("STACK", "SOURCE", "SNAPSHOT", "ADDED", "TOTAL"));
            for (Upload u : job.uploads()) {
                rows.add(List.of(u.stack(), orDash(u.source()), orDash(u.snapshotId()), size(u.dataAdded()),
                        size(u.totalBytes())));
            }
            out.append(Table.render(rows));
        }
        if (job.failure() != null) {
            out.append("failure: ").append(job.failure()).append('\n');
        }
        job.notes().forEach(n -> out.append("note: ").append(n).append('\n'));
        return out.toString();
    }

    /** {@code lifeline backup jobs}: one row per job, in the order given (the agent answers newest first). */
    public static String jobs(List<Job> jobs, ZoneId zone) {
        if (jobs.isEmpty()) {
            return "no backup jobs\n";
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("JOB", "STARTED", "PHASE", "STACKS", "MAX DOWNTIME", "FAILURE"));
        for (Job j : jobs) {
            List<String> stacks = j.stacks().isEmpty() ? j.requestedStacks()
                    : j.stacks().stream().map(StackRun::stack).toList();
            rows.add(List.of(j.job(), Human.time(j.createdAt(), zone), j.phase(),
                    stacks.isEmpty() ? "-" : String.join(",", stacks), Human.millis(j.maxDowntimeMs()),
                    orEmpty(j.failure())));
        }
        return Table.render(rows);
    }

    /** {@code lifeline backup list}: snapshots grouped by job, newest job first, the job named once per group. */
    public static String snapshots(List<Snapshot> snapshots, ZoneId zone) {
        if (snapshots.isEmpty()) {
            return "no snapshots\n";
        }
        Map<String, List<Snapshot>> byJob = new LinkedHashMap<>();
        for (Snapshot s : snapshots) {
            byJob.computeIfAbsent(s.job() == null || s.job().isBlank() ? "-" : s.job(), k -> new ArrayList<>()).add(s);
        }
        Comparator<Snapshot> newestFirst = Comparator.comparing(BackupView::instantOf).reversed();
        byJob.values().forEach(group -> group.sort(newestFirst));
        List<List<Snapshot>> groups = new ArrayList<>(byJob.values());
        groups.sort(Comparator.comparing((List<Snapshot> g) -> instantOf(g.get(0))).reversed());
        boolean hosts = snapshots.stream().map(Snapshot::host).filter(Objects::nonNull).distinct().count() > 1;
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("JOB", "TIME", "STACK", "SNAPSHOT", "SOURCE", "MOUNT"));
        if (hosts) {
            header.add("HOST");
        }
        rows.add(header);
        for (List<Snapshot> group : groups) {
            boolean first = true;
            for (Snapshot s : group) {
                List<String> row = new ArrayList<>(List.of(first ? orDash(s.job()) : "", Human.time(s.time(), zone),
                        orDash(s.stack()), s.shortId() != null ? s.shortId() : orDash(s.id()), orDash(s.source()),
                        orDash(s.mount())));
                if (hosts) {
                    row.add(orDash(s.host()));
                }
                rows.add(row);
                first = false;
            }
        }
        return Table.render(rows);
    }

    /** {@code lifeline backup due}. */
    public static String due(List<Due> due, ZoneId zone) {
        if (due.isEmpty()) {
            return "no stack has a backup schedule\n";
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("STACK", "SCHEDULE", "DUE", "LAST SUCCESS", "LAST FAILURE", "NEXT RUN"));
        for (Due d : due) {
            rows.add(List.of(d.stack(), orDash(d.schedule()), d.due() ? "yes" : "no",
                    Human.time(d.lastSuccess(), zone), Human.time(d.lastFailure(), zone),
                    Human.time(d.nextRun(), zone)));
        }
        return Table.render(rows);
    }

    /** A line for a phase change when not on a terminal. */
    public static String phaseLine(Job job, Duration elapsed) {
        String detail = "";
        if ("uploading".equals(job.phase()) && job.progress() != null) {
            detail = String.format(java.util.Locale.ROOT, " %.1f%%", job.progress().percent());
        }
        return "backup job " + job.job() + ": " + job.phase() + detail + " (elapsed " + Human.duration(elapsed) + ")";
    }

    /** The last line of a finished job, for stdout when it is done (a failure goes to stderr instead). */
    public static String summary(Job job, Duration elapsed) {
        long stacks = job.stacks().size();
        return "backup job " + job.job() + " " + job.phase() + " in " + Human.duration(elapsed) + ": " + stacks
                + (stacks == 1 ? " stack" : " stacks") + ", " + job.uploads().size()
                + (job.uploads().size() == 1 ? " snapshot" : " snapshots") + ", max downtime "
                + Human.millis(job.maxDowntimeMs()) + (job.excluded().isEmpty() ? ""
                        : ", " + job.excluded().size() + " excluded (lifeline backup status " + job.job() + ")");
    }

    /** {@code lifeline backup verify}, the human report (stdout when passed). */
    public static String verify(Verify v) {
        StringBuilder out = new StringBuilder();
        out.append(v.stack()).append(": restore test ").append(v.passed() ? "passed" : "failed")
                .append(" (snapshot ").append(orDash(v.snapshot())).append(", job ").append(orDash(v.job()))
                .append(v.passed() ? "" : ", exit code " + v.exitCode()).append(")\n");
        if (v.detail() != null && !v.detail().isBlank()) {
            out.append(v.detail().strip()).append('\n');
        }
        if (v.output() != null && !v.output().isBlank()) {
            out.append("output:\n");
            v.output().strip().lines().forEach(l -> out.append("  ").append(l).append('\n'));
        }
        return out.toString();
    }

    /** {@code lifeline restore}: what was restored where, where the replaced data was kept, whether it restarted. */
    public static String restore(Restore r) {
        StringBuilder out = new StringBuilder();
        for (Restored x : r.restored()) {
            out.append("restored ").append(x.source()).append(" -> ").append(x.target()).append(" (snapshot ")
                    .append(orDash(x.snapshotId())).append(")\n");
        }
        if (r.restored().isEmpty()) {
            out.append(r.stack()).append(": nothing restored\n");
        }
        r.previousData().forEach(p -> out.append("the replaced data is kept in ").append(p).append('\n'));
        if (r.restarted()) {
            out.append(r.stack()).append(" restarted\n");
        }
        return out.toString();
    }

    private static Instant instantOf(Snapshot s) {
        return Human.instant(s.time()).orElse(Instant.EPOCH);
    }

    private static String size(Long bytes) {
        return bytes == null ? "-" : Human.bytes(bytes);
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
