package dev.lifeline.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.core.engine.EngineEvent;
import dev.lifeline.core.engine.EngineEventListener;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.ExecResult;
import dev.lifeline.core.engine.ScratchContainer;
import dev.lifeline.core.journal.JournalException;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FakeEngineTest {
    private final SimClock clock = new SimClock();
    private final FakeEngine engine = new FakeEngine(clock);
    private final List<EngineEvent> events = new ArrayList<>();
    private final List<Throwable> ended = new ArrayList<>();
    private final EngineEventListener listener = new EngineEventListener() {
        @Override
        public void onEvent(EngineEvent event) {
            events.add(event);
        }

        @Override
        public void onStreamEnded(Throwable cause) {
            ended.add(cause);
        }
    };

    private List<String> actions() {
        return events.stream().map(e -> e.action() + " " + e.attribute("name")).toList();
    }

    @Test
    void startAndStopChangeStatusTimestampsAndAreRecordedInOrder() {
        engine.add("db", Map.of("lifeline.stack", "s"));
        engine.add("web", Map.of());
        engine.subscribe(listener);
        engine.start("db");
        clock.advance(Duration.ofSeconds(5));
        engine.start("web");
        engine.stop("db", Duration.ofSeconds(10));

        assertThat(engine.callLog()).containsExactly("start db", "start web", "stop db");
        var db = engine.inspect("db").orElseThrow();
        assertThat(db.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(db.startedAt()).contains(SimClock.DEFAULT_START);
        assertThat(db.finishedAt()).contains(SimClock.DEFAULT_START.plusSeconds(5));
        assertThat(db.labels()).containsEntry("lifeline.stack", "s");
        assertThat(engine.inspect("web").orElseThrow().isUp()).isTrue();
        assertThat(actions()).containsExactly("start db", "start web", "kill db", "die db", "stop db");
    }

    @Test
    void containersCanBeFoundByIdAsWellAsByName() {
        String id = engine.add("db", Map.of());
        engine.start(id);
        assertThat(engine.inspect(id.substring(0, 12)).orElseThrow().name()).isEqualTo("db");
        assertThat(engine.inspect("/db")).isPresent();
        assertThat(engine.inspect("nope")).isEmpty();
        assertThat(engine.started()).containsExactly("db");
    }

    @Test
    void programmedStartFailuresFailThatManyStartsThenStartsSucceed() {
        engine.add("db", Map.of());
        engine.failNextStarts("db", 2, "port already allocated");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> engine.start("db")).isInstanceOf(EngineException.class)
                    .hasMessage("port already allocated")
                    .satisfies(e -> assertThat(((EngineException) e).isUnreachable()).isFalse());
        }
        engine.start("db");
        assertThat(engine.callLog()).containsExactly("start db failed: port already allocated",
                "start db failed: port already allocated", "start db");
        assertThat(engine.inspect("db").orElseThrow().isUp()).isTrue();
    }

    @Test
    void anUnreachableEngineFailsEveryCallAndEndsOpenStreams() {
        engine.add("db", Map.of());
        engine.subscribe(listener);
        engine.unreachable(true);
        assertThat(ended).singleElement().isInstanceOf(EngineException.class);
        assertThatThrownBy(engine::ping).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.isUnreachable()).isTrue());
        assertThatThrownBy(engine::listContainers).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> engine.start("db")).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> engine.subscribe(listener)).isInstanceOf(EngineException.class);
        assertThat(engine.calls()).isEmpty();
        engine.unreachable(false);
        engine.start("db");
        assertThat(engine.started()).containsExactly("db");
    }

    @Test
    void aHealthcheckBecomesHealthyAfterTheConfiguredNumberOfProbes() {
        engine.add("db", Map.of(), Healthcheck.afterProbes(3));
        engine.subscribe(listener);
        engine.start("db");
        assertThat(engine.inspect("db").orElseThrow().health()).isEqualTo(Health.STARTING);
        assertThat(engine.inspect("db").orElseThrow().health()).isEqualTo(Health.STARTING);
        assertThat(engine.inspect("db").orElseThrow().health()).isEqualTo(Health.HEALTHY);
        assertThat(events.getLast().action()).isEqualTo("health_status");
        assertThat(events.getLast().attribute("health_status")).isEqualTo("healthy");
    }

    @Test
    void aHealthcheckBecomesHealthyAfterADurationOnTheSimulatedClock() {
        engine.add("db", Map.of(), Healthcheck.after(Duration.ofSeconds(30)));
        engine.add("never", Map.of(), Healthcheck.never());
        engine.start("db");
        engine.start("never");
        clock.advance(Duration.ofSeconds(29));
        assertThat(engine.inspect("db").orElseThrow().health()).isEqualTo(Health.STARTING);
        clock.advance(Duration.ofSeconds(1));
        assertThat(engine.inspect("db").orElseThrow().health()).isEqualTo(Health.HEALTHY);
        clock.advance(Duration.ofDays(1));
        assertThat(engine.inspect("never").orElseThrow().health()).isEqualTo(Health.STARTING);
    }

    @Test
    void crashesAndExternalStopsShowOnlyAsDieEventsWithTheExitCode() {
        engine.add("a", Map.of());
        engine.add("b", Map.of());
        engine.alreadyRunning("a");
        engine.alreadyRunning("b");
        engine.subscribe(listener);
        engine.crash("a", FakeEngine.SIGKILL_EXIT);
        engine.externalStop("b");
        assertThat(actions()).containsExactly("die a", "die b");
        assertThat(events).extracting(e -> e.attribute("exitCode")).containsExactly("137", "143");
        assertThat(engine.inspect("a").orElseThrow().exitCode()).isEqualTo(137);
        assertThat(engine.calls()).isEmpty();
    }

    @Test
    void aHostRebootExitsEveryContainerSilentlyAndRestartsOnlyAlwaysPolicies() {
        engine.add("plain", Map.of());
        engine.add("always", Map.of(), Healthcheck.none(), "always");
        engine.alreadyRunning("plain");
        engine.alreadyRunning("always");
        engine.subscribe(listener);
        clock.advance(Duration.ofMinutes(1));
        engine.simulateHostReboot();
        assertThat(events).isEmpty();
        assertThat(ended).hasSize(1);
        assertThat(engine.inspect("plain").orElseThrow().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(engine.inspect("always").orElseThrow().isUp()).isTrue();
        assertThat(engine.calls()).isEmpty();
    }

    @Test
    void aClosedSubscriptionReceivesNothingMore() {
        engine.add("db", Map.of());
        var subscription = engine.subscribe(listener);
        subscription.close();
        subscription.close();
        engine.start("db");
        assertThat(events).isEmpty();
        assertThat(engine.subscriberCount()).isZero();
    }

    @Test
    void theSimClockMovesOnlyWhenTold() {
        Instant start = clock.instant();
        assertThat(clock.instant()).isEqualTo(start);
        assertThat(clock.advance(Duration.ofSeconds(3))).isEqualTo(start.plusSeconds(3));
        clock.set(start.minusSeconds(60));
        assertThat(clock.instant()).isEqualTo(start.minusSeconds(60));
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theInMemoryJournalKeepsItsStateAcrossAgentRuns() {
        InMemoryJournal journal = new InMemoryJournal();
        var first = journal.beginRun(clock.instant(), 10, "boot-1");
        assertThat(first.previous()).isEmpty();
        journal.setIntent(StackName.of("s"), Intent.RUNNING, "cli", clock.instant());
        assertThat(journal.addToRunningSet(Set.of(StackName.of("s"), StackName.of("t")), clock.instant()))
                .hasSize(2);
        assertThat(journal.addToRunningSet(Set.of(StackName.of("s")), clock.instant())).isEmpty();
        journal.writeMarker(new Marker("m1", MarkerKind.STOP, "cli", List.of(StackName.of("s")), clock.instant(),
                clock.instant()));
        journal.close(); // the agent crashes: the journal object survives as the disk would
        var second = journal.beginRun(clock.instant(), 11, "boot-2");
        assertThat(second.previousCrashed()).isTrue();
        assertThat(second.hostRebooted()).isTrue();
        assertThat(journal.openMarkers()).extracting(Marker::id).containsExactly("m1");
        assertThat(journal.runningSet()).hasSize(2);
        assertThat(journal.intents()).containsKey(StackName.of("s"));
        journal.endRunCleanly(second.current().id(), clock.instant());
        assertThat(journal.beginRun(clock.instant(), 12, "boot-2").previousCrashed()).isFalse();
    }

    @Test
    void scratchRunsAreRecordedAndAnswerWhatTheTestScripted() {
        ScratchContainer verify = new ScratchContainer("postgres:15", List.of("lifeline-pg-verify"),
                List.of(new ScratchContainer.Bind(Path.of("/restore/db"), "/var/lib/postgresql/data", false)),
                Map.of("VERIFY_SQL", "SELECT 1"), Duration.ofMinutes(1), false);
        assertThat(engine.runScratch(verify)).isEqualTo(new ExecResult(0, "", false));

        engine.scratchResult(spec -> new ExecResult(3, "ran " + spec.env().get("VERIFY_SQL"), false));
        assertThat(engine.runScratch(verify)).isEqualTo(new ExecResult(3, "ran SELECT 1", false));
        engine.scratchResult(spec -> {
            throw EngineException.refused("image " + spec.image() + " not found", null);
        });
        assertThatThrownBy(() -> engine.runScratch(verify)).hasMessage("image postgres:15 not found");

        assertThat(engine.scratchRuns()).containsExactly(verify, verify, verify);
        assertThat(engine.calls()).extracting(FakeEngine.Call::toString)
                .containsOnly("scratch postgres:15 lifeline-pg-verify");
        engine.unreachable(true);
        assertThatThrownBy(() -> engine.runScratch(verify)).isInstanceOf(EngineException.class);
        assertThat(engine.scratchRuns()).hasSize(3);
    }

    @Test
    void theFailingJournalFailsEveryCall() {
        FailingJournal journal = new FailingJournal();
        assertThatThrownBy(journal::runningSet).isInstanceOf(JournalException.class)
                .hasMessageStartingWith("simulated journal failure");
        assertThatThrownBy(() -> journal.writeMarker(null)).isInstanceOf(JournalException.class);
        assertThatThrownBy(journal::close).isInstanceOf(JournalException.class);
    }
}
