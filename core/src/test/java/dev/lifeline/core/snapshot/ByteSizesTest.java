package dev.lifeline.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void sizesParseInBinaryUnits() {
        assertThat(ByteSizes.parse("0")).isZero();
        assertThat(ByteSizes.parse("4096")).isEqualTo(4096);
        assertThat(ByteSizes.parse("500MiB")).isEqualTo(500L << 20);
        assertThat(ByteSizes.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(ByteSizes.parse("1.5 GiB")).isEqualTo(3L << 29);
        assertThat(ByteSizes.parse("10kb")).isEqualTo(10 * 1024);
    }

    @Test
    void whatIsNotASizeIsNamed() {
        assertThatThrownBy(() -> ByteSizes.parse("lots")).hasMessageContaining("'lots'");
        assertThatThrownBy(() -> ByteSizes.parse("-1GiB")).hasMessageContaining("'-1GiB'");
        assertThatThrownBy(() -> ByteSizes.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatAndParseAgree() {
        for (long n : new long[] {0, 1023, 1L << 20, 3L << 30}) {
            assertThat(ByteSizes.parse(ByteSizes.format(n).replace(" ", ""))).isEqualTo(n);
        }
    }
}
