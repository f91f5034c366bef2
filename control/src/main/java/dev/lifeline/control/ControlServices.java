package dev.lifeline.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.config.ControlConfig;
import dev.lifeline.control.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;

/** What the composition root has made when it builds the fleet's parts: one of each, shared. */
public record ControlServices(ControlConfig config, Database database, InstantSource clock, MeterRegistry metrics,
        ObjectMapper json) {}
