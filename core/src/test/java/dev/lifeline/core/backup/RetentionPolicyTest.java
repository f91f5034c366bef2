package dev.lifeline.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    @Test
    void negativeCountsAreRejectedNamingTheKey() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RetentionPolicy(-1, 0, 0, 0))
                .withMessage("backup.retention.keep-last must be >= 0, got -1");
        assertThatIllegalArgumentException().isThrownBy(() -> new RetentionPolicy(0, -2, 0, 0))
                .withMessage("backup.retention.keep-daily must be >= 0, got -2");
        assertThatIllegalArgumentException().isThrownBy(() -> new RetentionPolicy(0, 0, -3, 0))
                .withMessage("backup.retention.keep-weekly must be >= 0, got -3");
        assertThatIllegalArgumentException().isThrownBy(() -> new RetentionPolicy(0, 0, 0, -4))
                .withMessage("backup.retention.keep-monthly must be >= 0, got -4");
    }

    @Test
    void allZeroMeansKeepEverythingNeverDeleteEverything() {
        assertThat(new RetentionPolicy(0, 0, 0, 0).keepsEverything()).isTrue();
        assertThat(RetentionPolicy.DEFAULT.keepsEverything()).isFalse();
        assertThat(new RetentionPolicy(3, 0, 0, 0).keepsEverything()).isFalse();
    }
}
