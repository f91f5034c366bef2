package dev.lifeline.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.model.LabelProblem;
import dev.lifeline.core.model.StackName;
import java.util.Map;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyParserTest {

    private static ContainerPolicy parse(String key, String value) {
        return PolicyParser.parse("web", Map.of(key, value));
    }

    @Test
    void noLabelsMeansTheDefaultPolicyWithoutProblems() {
        ContainerPolicy policy = PolicyParser.parse("web", Map.of());
        assertThat(policy.protectedFlag()).isFalse();
        assertThat(policy.tier()).isEmpty();
        assertThat(policy.dependsOn()).isEmpty();
        assertThat(policy.quiesce()).isEqualTo(QuiesceMode.STOP);
        assertThat(policy.quiescePre()).isEmpty();
        assertThat(policy.verify()).isEmpty();
        assertThat(policy.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", "yes", "YES", "1", " true "})
    void protectedAcceptsTrueYesAndOneInAnyCase(String value) {
        ContainerPolicy policy = parse(Labels.PROTECTED, value);
        assertThat(policy.protectedFlag()).isTrue();
        assertThat(policy.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "FALSE", "no", "No", "0"})
    void protectedAcceptsFalseNoAndZero(String value) {
        ContainerPolicy policy = parse(Labels.PROTECTED, value);
        assertThat(policy.protectedFlag()).isFalse();
        assertThat(policy.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "maybe", "on", "2", "truee", "y"})
    void anUnknownProtectedValueIsReportedAndMeansNotProtected(String value) {
        ContainerPolicy policy = parse(Labels.PROTECTED, value);
        assertThat(policy.protectedFlag()).isFalse();
        assertThat(policy.problems()).singleElement().satisfies(p -> {
            assertThat(p.container()).isEqualTo("web");
            assertThat(p.key()).isEqualTo(Labels.PROTECTED);
            assertThat(p.value()).isEqualTo(value);
            assertThat(p.message()).contains("true or false");
        });
    }

    @Property
    void everyTierInRangeIsAccepted(@ForAll @IntRange(min = -1000, max = 1000) int tier) {
        ContainerPolicy policy = parse(Labels.TIER, " " + tier + " ");
        assertThat(policy.tier()).isEqualTo(OptionalInt.of(tier));
        assertThat(policy.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1001", "1001", "99999999999", "1.5", "ten", "", "0x10"})
    void aTierOutOfRangeOrNotAnIntegerIsReportedAndIgnored(String value) {
        ContainerPolicy policy = parse(Labels.TIER, value);
        assertThat(policy.tier()).isEmpty();
        assertThat(policy.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(Labels.TIER);
            assertThat(p.value()).isEqualTo(value);
            assertThat(p.message()).contains("-1000").contains("1000");
        });
    }

    @Test
    void dependsOnIsTrimmedAndIgnoresEmptyEntries() {
        ContainerPolicy policy = parse(Labels.DEPENDS_ON, " db , ,cache,, ");
        assertThat(policy.dependsOn()).containsExactlyInAnyOrder(StackName.of("db"), StackName.of("cache"));
        assertThat(policy.problems()).isEmpty();
    }

    @Test
    void invalidStackNamesInDependsOnAreReportedOneByOneAndTheValidOnesKept() {
        ContainerPolicy policy = parse(Labels.DEPENDS_ON, "db,-bad,has space,ok.name");
        assertThat(policy.dependsOn()).containsExactlyInAnyOrder(StackName.of("db"), StackName.of("ok.name"));
        assertThat(policy.problems()).extracting(LabelProblem::message)
                .containsExactly("'-bad' is not a valid stack name; ignoring this dependency",
                        "'has space' is not a valid stack name; ignoring this dependency");
    }

    @ParameterizedTest
    @ValueSource(strings = {"stop", "pause", "none", "STOP", " Pause "})
    void quiesceAcceptsItsModesInAnyCase(String value) {
        ContainerPolicy policy = parse(Labels.QUIESCE, value);
        assertThat(policy.quiesce()).isEqualTo(QuiesceMode.fromLabel(value).orElseThrow());
        assertThat(policy.problems()).isEmpty();
    }

    @Test
    void hookQuiesceUsesThePreAndPostCommands() {
        ContainerPolicy policy = PolicyParser.parse("db", Map.of(Labels.QUIESCE, "hook",
                Labels.QUIESCE_PRE, "pg_ctl checkpoint", Labels.QUIESCE_POST, "true", Labels.VERIFY, "pg_isready"));
        assertThat(policy.quiesce()).isEqualTo(QuiesceMode.HOOK);
        assertThat(policy.quiescePre()).contains("pg_ctl checkpoint");
        assertThat(policy.quiescePost()).contains("true");
        assertThat(policy.verify()).contains("pg_isready");
        assertThat(policy.problems()).isEmpty();
    }

    @Test
    void thePrepareCommandIsReadBesideAnyMode() {
        ContainerPolicy policy = PolicyParser.parse("db", Map.of(Labels.QUIESCE_PREPARE,
                " psql -U postgres -c CHECKPOINT "));
        assertThat(policy.quiesce()).isEqualTo(QuiesceMode.STOP);
        assertThat(policy.quiescePrepare()).contains("psql -U postgres -c CHECKPOINT");
        assertThat(policy.problems()).isEmpty();
    }

    @Test
    void aPrepareCommandAloneDoesNotMakeAHookQuiesce() {
        ContainerPolicy policy = PolicyParser.parse("db", Map.of(Labels.QUIESCE, "hook", Labels.QUIESCE_PREPARE,
                "checkpoint"));
        assertThat(policy.quiesce()).isEqualTo(QuiesceMode.STOP);
        assertThat(policy.problems()).extracting(p -> p.key()).containsExactly(Labels.QUIESCE);
    }

    @Test
    void hookQuiesceWithoutAnyCommandIsReportedAndStopsInstead() {
        ContainerPolicy policy = parse(Labels.QUIESCE, "hook");
        assertThat(policy.quiesce()).isEqualTo(QuiesceMode.STOP);
        assertThat(policy.problems()).singleElement().extracting(LabelProblem::key).isEqualTo(Labels.QUIESCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "freeze", "stopp", "snapshot"})
    void anUnknownQuiesceModeIsReportedAndTheDefaultUsed(String value) {
        ContainerPolicy policy = parse(Labels.QUIESCE, value);
        assertThat(policy.quiesce()).isEqualTo(QuiesceMode.STOP);
        assertThat(policy.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(Labels.QUIESCE);
            assertThat(p.message()).contains("stop, pause, hook or none");
        });
    }

    @Test
    void everyBadLabelOfAContainerIsReported() {
        ContainerPolicy policy = PolicyParser.parse("web", Map.of(Labels.PROTECTED, "sure", Labels.TIER, "high",
                Labels.DEPENDS_ON, "_x", Labels.QUIESCE, "nap"));
        assertThat(policy.problems()).extracting(LabelProblem::key)
                .containsExactly(Labels.PROTECTED, Labels.TIER, Labels.DEPENDS_ON, Labels.QUIESCE);
    }

    @Test
    void composeDependsOnYieldsTheServiceNames() {
        var parsed = PolicyParser.parseComposeDependsOn("app",
                "db:service_healthy:false, cache:service_started ,migrate,");
        assertThat(parsed.services()).containsExactlyInAnyOrder("db", "cache", "migrate");
        assertThat(parsed.problems()).isEmpty();
    }

    @Test
    void aComposeDependsOnEntryWithoutServiceIsReported() {
        var parsed = PolicyParser.parseComposeDependsOn("app", "db,:service_started:true");
        assertThat(parsed.services()).containsExactly("db");
        assertThat(parsed.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(Labels.COMPOSE_DEPENDS_ON);
            assertThat(p.message()).contains("names no service");
        });
    }

    @Test
    void anAbsentOrBlankComposeDependsOnMeansNoDependencies() {
        assertThat(PolicyParser.parseComposeDependsOn("app", null).services()).isEmpty();
        assertThat(PolicyParser.parseComposeDependsOn("app", " ").services()).isEmpty();
    }
}
