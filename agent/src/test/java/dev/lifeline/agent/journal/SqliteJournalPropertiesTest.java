package dev.lifeline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random operation sequences against the real journal and a plain in-memory model agree, also across reopen. */
class SqliteJournalPropertiesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.001Z");

    sealed interface Op permits Add, Remove, SetIntent, Reopen {}

    record Add(Set<StackName> stacks) implements Op {}

    record Remove(Set<StackName> stacks) implements Op {}

    record SetIntent(StackName stack, Intent intent, String reason) implements Op {}

    record Reopen() implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        // a small pool of names so that adds, removes and intents collide often
        Arbitrary<StackName> stack = Arbitraries.of("web", "db", "cache", "queue", "a.b-c_1", "Z9")
                .map(StackName::of);
        Arbitrary<Set<StackName>> stacks = stack.set().ofMaxSize(4);
        Arbitrary<Op> add = stacks.map(Add::new);
        Arbitrary<Op> remove = stacks.map(Remove::new);
        Arbitrary<Op> intent = Combinators.combine(stack, Arbitraries.of(Intent.class),
                Arbitraries.of("cli", "api", "external stop", "")).as(SetIntent::new);
        Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, add), net.jqwik.api.Tuple.of(3, remove),
                net.jqwik.api.Tuple.of(3, intent), net.jqwik.api.Tuple.of(1, reopen))
                .list().ofMaxSize(40);
    }

    @Property(tries = 50)
    void journal_agrees_with_an_in_memory_model_after_close_and_reopen(@ForAll("operations") List<Op> ops)
            throws IOException {
        Path dir = Files.createTempDirectory("lifeline-journal-prop");
        try {
            Set<StackName> running = new HashSet<>();
            Map<StackName, IntentRecord> intents = new HashMap<>();
            SqliteJournal journal = SqliteJournal.open(dir);
            try {
                Instant now = T0;
                for (Op op : ops) {
                    now = now.plusMillis(1);
                    switch (op) {
                        case Add(Set<StackName> stacks) -> {
                            Set<StackName> expectedNew = new HashSet<>(stacks);
                            expectedNew.removeAll(running);
                            running.addAll(stacks);
                            assertThat(journal.addToRunningSet(stacks, now)).isEqualTo(expectedNew);
                        }
                        case Remove(Set<StackName> stacks) -> {
                            running.removeAll(stacks);
                            journal.removeFromRunningSet(stacks, now);
                        }
                        case SetIntent(StackName stack, Intent intent, String reason) -> {
                            intents.put(stack, new IntentRecord(stack, intent, reason, now));
                            journal.setIntent(stack, intent, reason, now);
                        }
                        case Reopen() -> {
                            journal.close();
                            journal = SqliteJournal.open(dir);
                        }
                    }
                    assertThat(journal.runningSet()).isEqualTo(running);
                }
            } finally {
                journal.close();
            }
            try (SqliteJournal reopened = SqliteJournal.open(dir)) {
                assertThat(reopened.runningSet()).isEqualTo(running);
                assertThat(reopened.intents()).isEqualTo(intents);
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
