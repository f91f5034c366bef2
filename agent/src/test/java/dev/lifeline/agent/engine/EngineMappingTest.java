package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventActor;
import com.github.dockerjava.api.model.EventType;
import dev.lifeline.core.engine.DataMount;
import dev.lifeline.core.engine.EngineEvent;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineMappingTest {

    @Test
    void goZeroTimeAndBlanksAreEmpty() {
        assertThat(EngineTimes.parse("0001-01-01T00:00:00Z")).isEmpty();
        assertThat(EngineTimes.parse("")).isEmpty();
        assertThat(EngineTimes.parse(null)).isEmpty();
        assertThat(EngineTimes.parse("garbage")).isEmpty();
        assertThat(EngineTimes.parse("2026-11-21T23:30:43.754215922Z"))
                .contains(Instant.parse("2026-11-21T23:30:43.754215922Z"));
        assertThat(EngineTimes.parse("2026-11-21T23:30:43.5+01:00")).contains(Instant.parse("2026-11-21T22:30:43.5Z"));
    }

    @Test
    void inspectAnswersAreReadFieldByField() throws Exception {
        String answer = """
                {"Id":"abc123","Name":"/db","Image":"sha256:feed",
                 "Config":{"Image":"postgres:15","Labels":{"lifeline.stack":"shop","odd":null}},
                 "HostConfig":{"RestartPolicy":{"Name":"unless-stopped"}},
                 "State":{"Status":"exited","Running":false,"OOMKilled":true,"ExitCode":137,
                          "StartedAt":"2026-11-21T23:30:43.5Z","FinishedAt":"0001-01-01T00:00:00Z",
                          "Health":{"Status":"unhealthy","FailingStreak":3}},
                 "Mounts":[{"Type":"bind","Source":"/srv/db","Destination":"/var/lib/postgresql","RW":true},
                           {"Type":"volume","Name":"conf","Source":"/var/lib/containers/storage/volumes/conf/_data",
                            "Destination":"/etc/conf","RW":false},
                           {"Type":"tmpfs","Source":"","Destination":"/tmp"}]}
                """;
        JsonNode json = InspectMapper.read(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)));
        ContainerInfo c = InspectMapper.fromInspect(json);
        assertThat(c.id()).isEqualTo("abc123");
        assertThat(c.name()).isEqualTo("db");
        assertThat(c.image()).isEqualTo("postgres:15");
        assertThat(c.labels()).containsExactly(Map.entry("lifeline.stack", "shop"));
        assertThat(c.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(c.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(c.startedAt()).contains(Instant.parse("2026-11-21T23:30:43.5Z"));
        assertThat(c.finishedAt()).isEmpty();
        assertThat(c.exitCode()).isEqualTo(137);
        assertThat(c.oomKilled()).isTrue();
        assertThat(c.restartPolicy()).isEqualTo("unless-stopped");
        assertThat(InspectMapper.mounts(json)).containsExactly(
                new DataMount("bind", "", Path.of("/srv/db"), "/var/lib/postgresql", false),
                new DataMount("volume", "conf", Path.of("/var/lib/containers/storage/volumes/conf/_data"), "/etc/conf",
                        true));
    }

    @Test
    void aSparseInspectAnswerIsUnknownNotAnError() throws Exception {
        JsonNode json = InspectMapper.read(new ByteArrayInputStream("{\"Id\":\"x\",\"Image\":\"sha256:1\"}"
                .getBytes(StandardCharsets.UTF_8)));
        ContainerInfo c = InspectMapper.fromInspect(json);
        assertThat(c.status()).isEqualTo(ContainerStatus.UNKNOWN);
        assertThat(c.health()).isEqualTo(Health.NONE);
        assertThat(c.image()).isEqualTo("sha256:1");
        assertThat(c.name()).isEmpty();
        assertThat(c.labels()).isEmpty();
        assertThat(InspectMapper.mounts(json)).isEmpty();
    }

    @Test
    void listEntriesGiveStateAndExitCodeOnly() throws Exception {
        JsonNode json = InspectMapper.read(new ByteArrayInputStream("""
                {"Id":"abc","Names":["/web"],"Image":"busybox","State":"exited","Status":"Exited (3) 1 minute ago",
                 "Labels":{"lifeline.stack":"shop"}}""".getBytes(StandardCharsets.UTF_8)));
        ContainerInfo c = InspectMapper.fromList(json);
        assertThat(c.name()).isEqualTo("web");
        assertThat(c.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(c.exitCode()).isEqualTo(3);
        assertThat(c.labels()).containsEntry("lifeline.stack", "shop");
        assertThat(c.startedAt()).isEmpty();
    }

    @Test
    void containerNamesLoseTheLeadingSlash() {
        assertThat(InspectMapper.stripSlash("/web")).isEqualTo("web");
        assertThat(InspectMapper.stripSlash("web")).isEqualTo("web");
        assertThat(InspectMapper.stripSlash(null)).isEmpty();
    }

    @Test
    void eventsUseNanoTimeActionAndActorAttributes() {
        Event event = new Event("die", "abc123", "img", 1_795_303_828L)
                .withAction("die")
                .withType(EventType.CONTAINER)
                .withTimenano(1_795_303_828_950_317_497L)
                .withEventActor(new EventActor().withId("abc123").withAttributes(Map.of("exitCode", "3", "name", "web")));
        EngineEvent converted = EventStream.convert(event);
        assertThat(converted.containerId()).isEqualTo("abc123");
        assertThat(converted.action()).isEqualTo("die");
        assertThat(converted.time()).isEqualTo(Instant.ofEpochSecond(1_795_303_828L, 950_317_497L));
        assertThat(converted.attribute("exitCode")).isEqualTo("3");
    }
}
