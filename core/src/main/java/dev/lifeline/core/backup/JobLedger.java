package dev.lifeline.core.backup;

import dev.lifeline.core.model.StackName;
import java.util.List;
import java.util.Optional;

/** Port to the durable record of backup jobs (the agent's journal). Every save is durable when it returns. */
public interface JobLedger {

    /** Inserts or replaces the job's record. */
    void saveJob(JobRecord record);

    Optional<JobRecord> job(String id);

    /** Newest first; only jobs concerning {@code stack} when given. */
    List<JobRecord> jobs(Optional<StackName> stack, int limit);

    /** Jobs not yet done or failed: after a crash, the ones the agent died in. */
    List<JobRecord> unfinishedJobs();
}
