package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventActor;
import com.github.dockerjava.api.model.EventType;
import dev.lifeline.core.engine.EngineEvent;
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
