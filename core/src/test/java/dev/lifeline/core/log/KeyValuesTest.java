package dev.lifeline.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyValuesTest {

    @Test
    void plainValuesStayBareAndOthersAreQuotedAndEscaped() {
        assertThat(KeyValues.line("event", "host_unreachable", "host", "h-1", "silent_ms", 90_000))
                .isEqualTo("event=host_unreachable host=h-1 silent_ms=90000");
        assertThat(KeyValues.line("reason", "no heartbeat for 90 s", "detail", "a=\"b\"\nc\\d", "empty", ""))
                .isEqualTo("reason=\"no heartbeat for 90 s\" detail=\"a=\\\"b\\\"\\nc\\\\d\" empty=\"\"");
    }

    @Test
    void aNullValueIsWrittenAsNull() {
        assertThat(KeyValues.line("error", null)).isEqualTo("error=null");
    }

    @Test
    void keysAndValuesComeInPairs() {
        assertThatThrownBy(() -> KeyValues.line("event")).isInstanceOf(IllegalArgumentException.class);
    }
}
