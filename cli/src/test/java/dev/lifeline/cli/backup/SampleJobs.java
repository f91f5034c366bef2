package dev.lifeline.cli.backup;

/** The contract's sample job record, finished, shared by the rendering and CLI contract tests. */
public final class SampleJobs {
    private SampleJobs() {}

    public static final String DONE = """
            {"job":"j-42","phase":"done","path":"snapshot","requestedStacks":["db","app"],
             "createdAt":"2025-03-01T10:00:00Z","finishedAt":"2025-03-01T10:01:05Z",
             "phases":{"pending":"2025-03-01T10:00:00Z","quiescing":"2025-03-01T10:00:01Z",
                       "snapshotted":"2025-03-01T10:00:03Z","uploading":"2025-03-01T10:00:03.500Z",
                       "done":"2025-03-01T10:01:05Z"},
             "stacks":[{"stack":"db","mode":"stop","status":"resumed","quiesceStartedAt":"2025-03-01T10:00:01Z",
                        "quiescedAt":"2025-03-01T10:00:02Z","resumeStartedAt":"2025-03-01T10:00:03Z",
                        "resumedAt":"2025-03-01T10:00:04Z","downtimeMs":2300,"error":null},
                       {"stack":"app","mode":"pause","status":"resume_failed","quiesceStartedAt":null,
                        "quiescedAt":"2025-03-01T10:00:02Z","resumeStartedAt":null,"resumedAt":null,
                        "downtimeMs":null,"error":"unpause failed"}],
             "excluded":[{"stack":"proxy","reason":"protected","detail":"lifeline.protected=true"}],
             "prepareHooks":[{"stack":"db","container":"db-1","program":"psql","startedAt":"2025-03-01T10:00:00.2Z",
                              "millis":120,"failure":null}],
             "flushes":[{"filesystem":"/srv","startedAt":"2025-03-01T10:00:00.4Z","millis":1843,"passes":1,
                         "failure":null},
                        {"filesystem":"/mnt/nfs","startedAt":"2025-03-01T10:00:00.4Z","millis":60000,"passes":1,
                         "failure":"did not finish within PT1M"}],
             "progress":{"percent":100.0,"bytesDone":2048,"bytesTotal":2048,"filesDone":3,"filesTotal":3,
                         "secondsElapsed":61.5},
             "uploads":[{"stack":"db","source":"/srv/db","snapshotId":"abc123","dataAdded":1536,
                         "totalBytes":3221225472}],
             "failure":null,"notes":["db was stopped: no snapshot provider"],"somethingNew":{"x":1}}
            """;
}
