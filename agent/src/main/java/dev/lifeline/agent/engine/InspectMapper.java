package dev.lifeline.agent.engine;

import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.RestartPolicy;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Turns docker-java's inspect response into the core model. */
final class InspectMapper {
    private InspectMapper() {}

    private static final java.util.regex.Pattern EXITED = java.util.regex.Pattern.compile("^Exited \\((-?\\d+)\\)");

    /**
     * The exit code the list call shows in its status text ("Exited (143) 2 minutes ago", the same on Docker and
     * Podman), if it shows one.
     */
    static java.util.OptionalInt listedExitCode(com.github.dockerjava.api.model.Container c) {
        if (c.getStatus() == null) {
            return java.util.OptionalInt.empty();
        }
        java.util.regex.Matcher m = EXITED.matcher(c.getStatus().trim());
        return m.find() ? java.util.OptionalInt.of(Integer.parseInt(m.group(1))) : java.util.OptionalInt.empty();
    }

    /**
     * A container as the list call shows it, without an inspect: its health, start and finish times and restart
     * policy are unknown (reported as none, empty and ""), and OOM kills cannot be seen.
     */
    static ContainerInfo fromList(com.github.dockerjava.api.model.Container c) {
        Map<String, String> labels = new HashMap<>();
        if (c.getLabels() != null) {
            c.getLabels().forEach((k, v) -> {
                if (k != null && v != null) {
                    labels.put(k, v);
                }
            });
        }
        String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : stripSlash(c.getNames()[0]);
        return new ContainerInfo(c.getId(), name, c.getImage() == null ? "" : c.getImage(), labels,
                ContainerStatus.parse(c.getState()), Health.NONE, Optional.empty(), Optional.empty(),
                listedExitCode(c).orElse(0), false, "");
    }

    static ContainerInfo toInfo(InspectContainerResponse r) {
        InspectContainerResponse.ContainerState state = r.getState();
        Map<String, String> labels = new HashMap<>();
        String image = r.getImageId();
        if (r.getConfig() != null) {
            if (r.getConfig().getLabels() != null) {
                r.getConfig().getLabels().forEach((k, v) -> {
                    if (k != null && v != null) {
                        labels.put(k, v);
                    }
                });
            }
            if (r.getConfig().getImage() != null) {
                image = r.getConfig().getImage();
            }
        }
        String restart = Optional.ofNullable(r.getHostConfig())
                .map(h -> h.getRestartPolicy())
                .map(RestartPolicy::getName)
                .orElse("");
        return new ContainerInfo(
                r.getId(),
                stripSlash(r.getName()),
                image == null ? "" : image,
                labels,
                state == null ? ContainerStatus.UNKNOWN : ContainerStatus.parse(state.getStatus()),
                state == null ? Health.NONE : health(state.getHealth()),
                state == null ? Optional.empty() : EngineTimes.parse(state.getStartedAt()),
                state == null ? Optional.empty() : EngineTimes.parse(state.getFinishedAt()),
                state == null || state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue(),
                state != null && Boolean.TRUE.equals(state.getOOMKilled()),
                restart);
    }

    static String stripSlash(String name) {
        if (name == null) {
            return "";
        }
        return name.startsWith("/") ? name.substring(1) : name;
    }

    private static Health health(HealthState h) {
        return h == null ? Health.NONE : Health.parse(h.getStatus());
    }
}
