package dev.lifeline.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.wire.ReportedStack;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.model.StackPolicy;
import dev.lifeline.core.model.StackSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StackStatusesTest {
    private static final StackStatuses.Facts IDLE = new StackStatuses.Facts(Intent.RUNNING, false, false,
            Optional.empty(), false, Optional.empty());

    private static ContainerInfo container(String name, ContainerStatus status, int exitCode) {
        return new ContainerInfo(name + "-id", name, "busybox", Map.of(), status, Health.NONE, Optional.empty(),
                Optional.empty(), exitCode, false, "no");
    }

    private static ContainerInfo up(String name) {
        return container(name, ContainerStatus.RUNNING, 0);
    }

    private static Stack stack(ContainerInfo... containers) {
        return new Stack(StackName.of("app"), StackSource.LABEL, Arrays.asList(containers), StackPolicy.DEFAULT,
                Map.of(), List.of());
    }

    private static ReportedStack report(Stack stack, StackStatuses.Facts facts) {
        return StackStatuses.of(stack, facts);
    }

    @Test
    void everyContainerUpIsRunningAndAllPausedIsPaused() {
        assertThat(report(stack(up("web"), up("db")), IDLE))
                .isEqualTo(new ReportedStack("app", "running", "2/2 containers up"));
        assertThat(report(stack(container("web", ContainerStatus.PAUSED, 0), container("db", ContainerStatus.PAUSED,
                0)), IDLE)).isEqualTo(new ReportedStack("app", "paused", "2/2 containers paused"));
        assertThat(report(stack(container("web", ContainerStatus.PAUSED, 0), up("db")), IDLE).status())
                .isEqualTo("running");
    }

    @Test
    void downIsStoppedUnlessAContainerCrashedOrAPromisedStartHasNotHappened() {
        Stack stopped = stack(container("web", ContainerStatus.EXITED, 143));
        assertThat(report(stopped, IDLE)).isEqualTo(new ReportedStack("app", "stopped", "not running"));
        assertThat(report(stopped, new StackStatuses.Facts(Intent.USER_STOPPED, false, false, Optional.empty(), false,
                Optional.empty())).detail()).isEqualTo("stopped by the user");

        ReportedStack crashed = report(stack(up("web"), container("db", ContainerStatus.EXITED, 1)), IDLE);
        assertThat(crashed.status()).isEqualTo("error");
        assertThat(crashed.detail()).contains("db exit 1").contains("1/2 containers up");

        assertThat(report(stopped, new StackStatuses.Facts(Intent.RUNNING, true, false, Optional.empty(), false,
                Optional.empty())).status()).isEqualTo("error");
        assertThat(report(stack(container("new", ContainerStatus.CREATED, 0)), IDLE).status()).isEqualTo("stopped");
    }

    @Test
    void aPartlyUpStackWhoseOthersExitedCleanlyRuns() {
        ReportedStack partly = report(stack(up("web"), container("migrate", ContainerStatus.EXITED, 0)), IDLE);
        assertThat(partly.status()).isEqualTo("running");
        assertThat(partly.detail()).startsWith("1/2 containers up").contains("migrate exit 0");
    }

    @Test
    void anOperationInFlightShowsItsTransientStatus() {
        Stack running = stack(up("web"));
        assertThat(report(running, new StackStatuses.Facts(Intent.RUNNING, false, false, Optional.empty(), false,
                Optional.of(CommandKind.PAUSE))).status()).isEqualTo("pausing");
        assertThat(report(running, new StackStatuses.Facts(Intent.RUNNING, false, false, Optional.empty(), false,
                Optional.of(CommandKind.DESTROY))).status()).isEqualTo("stopping");
        assertThat(report(running, new StackStatuses.Facts(Intent.RUNNING, false, false,
                Optional.of("backup job b1"), false, Optional.empty())))
                .isEqualTo(new ReportedStack("app", "snapshotting", "held by backup job b1; 1/1 containers up"));
        assertThat(report(running, new StackStatuses.Facts(Intent.USER_STOPPED, false, true, Optional.empty(), true,
                Optional.empty())).status()).isEqualTo("stopping");
        Stack down = stack(container("web", ContainerStatus.EXITED, 143));
        assertThat(report(down, new StackStatuses.Facts(Intent.RUNNING, true, false, Optional.empty(), true,
                Optional.empty())).status()).isEqualTo("starting");
        assertThat(report(running, new StackStatuses.Facts(Intent.RUNNING, false, false, Optional.empty(), true,
                Optional.empty())).status()).as("a restore holding a running stack").isEqualTo("running");
    }

    @Test
    void theDetailIsKeptShort() {
        ContainerInfo[] many = new ContainerInfo[40];
        for (int i = 0; i < many.length; i++) {
            many[i] = container("a-rather-long-container-name-" + i, ContainerStatus.EXITED, 2);
        }
        assertThat(report(stack(many), IDLE).detail()).hasSize(StackStatuses.MAX_DETAIL).endsWith("...");
    }
}
