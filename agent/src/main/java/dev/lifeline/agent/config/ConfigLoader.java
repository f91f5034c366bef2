package dev.lifeline.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lifeline.core.retry.RetryPolicy;
import dev.lifeline.core.supervise.PendingStops;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Loads {@link AgentConfig}: embedded defaults, then the YAML file, then environment variables, then flags. Every
 * key is known in advance: an unknown key (a typo) is an error, and every bad value is reported with its key, its
 * value and where it came from.
 */
public final class ConfigLoader {

    /** Every key with its default. The YAML file nests them ({@code recovery: {parallelism: 4}}). */
    static final Map<String, String> DEFAULTS = defaults();

    /** Environment variables that override keys. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "LIFELINE_DATA_DIR", "data-dir",
            "LIFELINE_ENGINE", "engine",
            "LIFELINE_LISTEN", "api.listen",
            "LIFELINE_CONTROL_PLANE", "control-plane.url",
            "LIFELINE_JOIN_TOKEN_FILE", "control-plane.join-token-file");

    private ConfigLoader() {}

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data-dir", "");
        d.put("engine", "");
        d.put("api.listen", "127.0.0.1:7411");
        d.put("stop-timeout", "10s");
        d.put("boot-id-file", "/proc/sys/kernel/random/boot_id");
        d.put("recovery.parallelism", "4");
        d.put("recovery.settle-time", "2s");
        d.put("recovery.retry.max-attempts", "5");
        d.put("recovery.retry.initial-delay", "1s");
        d.put("recovery.retry.max-delay", "30s");
        d.put("recovery.retry.multiplier", "2.0");
        d.put("recovery.retry.jitter", "0.2");
        d.put("recovery.retry.attempt-timeout", "60s");
        d.put("supervision.resync-interval", "5s");
        d.put("supervision.crash-loop.initial-delay", "10s");
        d.put("supervision.crash-loop.max-delay", "5m");
        d.put("supervision.crash-loop.reset-after", "10m");
        d.put("supervision.user-stop-confirm", "15s");
        d.put("supervision.shutdown-burst-stacks", "3");
        d.put("supervision.shutdown-burst-confirm", "2m");
        d.put("backup.repository", "");
        d.put("backup.password-file", "");
        d.put("backup.restic-binary", "restic");
        d.put("backup.restic-nice", "10");
        d.put("backup.host", "");
        d.put("backup.max-quiesce", "5m");
        d.put("backup.hook-timeout", "60s");
        d.put("backup.flush-timeout", "60s");
        d.put("backup.schedule", "");
        d.put("backup.due-window", "6h");
        d.put("backup.retry-delay", "1h");
        d.put("backup.keep-last", "0");
        d.put("backup.keep-daily", "7");
        d.put("backup.keep-weekly", "4");
        d.put("backup.keep-monthly", "6");
        d.put("backup.prune-every", "7d");
        d.put("backup.staging-budget", "1GiB");
        d.put("backup.verify-timeout", "10m");
        d.put("control-plane.url", "");
        d.put("control-plane.join-token-file", "");
        d.put("control-plane.heartbeat-interval", "30s");
        d.put("control-plane.ca-file", "");
        d.put("control-plane.allow-insecure", "false");
        d.put("control-plane.host-name", "");
        return Map.copyOf(d);
    }

    /** A value and where it came from, for error messages. */
    record Setting(String value, String source) {}

    /**
     * @param file        YAML file, if any ({@code --config})
     * @param environment the process environment
     * @param flags       dotted keys from command-line flags
     * @param defaultDataDir the data dir when nothing sets one
     */
    public static AgentConfig load(Optional<Path> file, Map<String, String> environment, Map<String, String> flags,
            Path defaultDataDir) {
        Map<String, Setting> settings = new TreeMap<>();
        DEFAULTS.forEach((k, v) -> settings.put(k, new Setting(v, "default")));
        file.ifPresent(f -> readYaml(f).forEach((k, v) -> settings.put(k, new Setting(v, f.toString()))));
        ENVIRONMENT.forEach((env, key) -> {
            String v = environment.get(env);
            if (v != null && !v.isBlank()) {
                settings.put(key, new Setting(v, "environment " + env));
            }
        });
        flags.forEach((k, v) -> {
            requireKnown(k, "flag");
            settings.put(k, new Setting(v, "flag"));
        });
        return build(new Reader(settings), defaultDataDir, environment);
    }

    private static AgentConfig build(Reader r, Path defaultDataDir, Map<String, String> environment) {
        String dataDir = r.string("data-dir");
        Path resolvedDataDir = dataDir.isBlank() ? defaultDataDir : Path.of(dataDir);
        RetryPolicy retry = r.validated("retry.", "recovery.retry.", () -> new RetryPolicy(
                r.integer("recovery.retry.max-attempts", 1, 100),
                r.duration("recovery.retry.initial-delay"),
                r.duration("recovery.retry.max-delay"),
                r.decimal("recovery.retry.multiplier", 1.0, 10.0),
                r.decimal("recovery.retry.jitter", 0.0, 1.0),
                r.duration("recovery.retry.attempt-timeout")));
        PendingStops.Timing userStops = r.validated("supervision.", "supervision.", () -> new PendingStops.Timing(
                r.duration("supervision.user-stop-confirm"),
                r.integer("supervision.shutdown-burst-stacks", 2, 10_000),
                r.duration("supervision.shutdown-burst-confirm")));
        AgentConfig.Supervision supervision = new AgentConfig.Supervision(
                r.positiveDuration("supervision.resync-interval"),
                r.positiveDuration("supervision.crash-loop.initial-delay"),
                r.positiveDuration("supervision.crash-loop.max-delay"),
                r.positiveDuration("supervision.crash-loop.reset-after"),
                userStops);
        if (supervision.crashLoopInitial().compareTo(supervision.crashLoopMax()) > 0) {
            throw new ConfigException("supervision.crash-loop.initial-delay must be <= supervision.crash-loop.max-delay, got "
                    + Durations.format(supervision.crashLoopInitial()) + " > " + Durations.format(supervision.crashLoopMax()));
        }
        return new AgentConfig(
                resolvedDataDir,
                Optional.of(r.string("engine")).filter(s -> !s.isBlank()),
                r.address("api.listen"),
                new AgentConfig.Recovery(r.integer("recovery.parallelism", 1, 64),
                        r.duration("recovery.settle-time"), retry),
                supervision,
                r.duration("stop-timeout"),
                Path.of(r.string("boot-id-file")),
                backup(r, resolvedDataDir, environment),
                ControlPlaneSettings.read(r));
    }

    /**
     * The repository and password file come from the config, else restic's own {@code RESTIC_REPOSITORY} and
     * {@code RESTIC_PASSWORD_FILE}, else a local repository in the data dir with a password file Lifeline creates.
     */
    private static AgentConfig.Backup backup(Reader r, Path dataDir, Map<String, String> environment) {
        String repository = firstNonBlank(r.string("backup.repository"), environment.get("RESTIC_REPOSITORY"));
        String passwordFile = firstNonBlank(r.string("backup.password-file"), environment.get("RESTIC_PASSWORD_FILE"));
        String schedule = r.string("backup.schedule");
        Optional<dev.lifeline.core.backup.CronSchedule> cron = Optional.empty();
        if (!schedule.isBlank()) {
            try {
                cron = Optional.of(dev.lifeline.core.backup.CronSchedule.parse(schedule));
            } catch (IllegalArgumentException e) {
                throw r.bad("backup.schedule", "is not a cron expression (" + e.getMessage() + ")");
            }
        }
        int last = r.integer("backup.keep-last", 0, 100_000);
        int daily = r.integer("backup.keep-daily", 0, 100_000);
        int weekly = r.integer("backup.keep-weekly", 0, 100_000);
        int monthly = r.integer("backup.keep-monthly", 0, 100_000);
        if (last + daily + weekly + monthly == 0) {
            throw new ConfigException("backup.keep-last, backup.keep-daily, backup.keep-weekly and backup.keep-monthly"
                    + " are all 0: retention would forget every snapshot; set at least one above 0");
        }
        dev.lifeline.core.repository.RetentionRules keep =
                new dev.lifeline.core.repository.RetentionRules(last, daily, weekly, monthly);
        long budget;
        try {
            budget = dev.lifeline.core.snapshot.ByteSizes.parse(r.string("backup.staging-budget"));
        } catch (IllegalArgumentException e) {
            throw r.bad("backup.staging-budget", "is not a size; use for example 0, 500MiB or 2GiB");
        }
        return new AgentConfig.Backup(
                repository.isBlank() ? dataDir.resolve("restic-repo").toString() : repository,
                passwordFile.isBlank() ? dataDir.resolve("restic-password") : Path.of(passwordFile),
                passwordFile.isBlank(),
                r.string("backup.restic-binary"),
                r.integer("backup.restic-nice", 0, 19),
                Optional.of(r.string("backup.host")).filter(h -> !h.isBlank()),
                r.positiveDuration("backup.max-quiesce"),
                r.positiveDuration("backup.hook-timeout"),
                r.duration("backup.flush-timeout"),
                cron,
                r.positiveDuration("backup.due-window"),
                r.positiveDuration("backup.retry-delay"),
                keep,
                r.positiveDuration("backup.prune-every"),
                budget,
                r.positiveDuration("backup.verify-timeout"));
    }

    private static String firstNonBlank(String configured, String fromEnvironment) {
        if (!configured.isBlank()) {
            return configured;
        }
        return fromEnvironment == null ? "" : fromEnvironment.trim();
    }

    /**
     * The file's keys, flattened ({@code recovery.parallelism}), read token by token: a tree of the whole file would
     * need Jackson's object mapper, whose set-up cost every start of the agent a tenth of a second before anything
     * else could begin.
     */
    private static Map<String, String> readYaml(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        try (JsonParser yaml = new YAMLFactory().createParser(text)) {
            ConfigException meaning = null;
            try {
                JsonToken first = yaml.nextToken();
                if (first != null && first != JsonToken.VALUE_NULL && first != JsonToken.START_OBJECT) {
                    throw new ConfigException("config file " + file + " must be a YAML mapping of keys, got "
                            + (first == JsonToken.START_ARRAY ? "a list" : "the single value '" + yaml.getText() + "'"));
                }
                if (first == JsonToken.START_OBJECT) {
                    flatten("", yaml, flat, file);
                }
            } catch (ConfigException e) {
                meaning = e;
            }
            // the rest of the file must be valid YAML too, and a syntax error is the first thing to fix
            while (yaml.nextToken() != null) {
                yaml.skipChildren();
            }
            if (meaning != null) {
                throw meaning;
            }
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return flat;
    }

    /** Reads the fields of the mapping the parser has just entered, up to its end. */
    private static void flatten(String prefix, JsonParser yaml, Map<String, String> out, Path file) throws IOException {
        while (yaml.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix.isEmpty() ? yaml.currentName() : prefix + "." + yaml.currentName();
            JsonToken value = yaml.nextToken();
            if (value == JsonToken.START_OBJECT) {
                flatten(key, yaml, out, file);
            } else if (value == JsonToken.START_ARRAY) {
                throw new ConfigException(file + ": key " + key + " must be a single value, got a list");
            } else {
                requireKnown(key, file.toString());
                out.put(key, value == JsonToken.VALUE_NULL ? "" : yaml.getText());
            }
        }
    }

    private static void requireKnown(String key, String source) {
        if (!DEFAULTS.containsKey(key)) {
            throw new ConfigException("unknown configuration key '" + key + "' in " + source + "; known keys: "
                    + String.join(", ", new TreeMap<>(DEFAULTS).keySet()));
        }
    }

    /** Typed reads of settings; every error names the key, the value and its source. */
    record Reader(Map<String, Setting> settings) {
        String string(String key) {
            return settings.get(key).value().trim();
        }

        ConfigException bad(String key, String expected) {
            Setting s = settings.get(key);
            return new ConfigException(key + ": '" + s.value() + "' (from " + s.source() + ") " + expected);
        }

        int integer(String key, int min, int max) {
            try {
                int v = Integer.parseInt(string(key));
                if (v < min || v > max) {
                    throw bad(key, "must be between " + min + " and " + max);
                }
                return v;
            } catch (NumberFormatException e) {
                throw bad(key, "is not a whole number");
            }
        }

        double decimal(String key, double min, double max) {
            try {
                double v = Double.parseDouble(string(key));
                if (!(v >= min && v <= max)) {
                    throw bad(key, "must be between " + min + " and " + max);
                }
                return v;
            } catch (NumberFormatException e) {
                throw bad(key, "is not a number");
            }
        }

        Duration duration(String key) {
            try {
                return Durations.parse(key, string(key));
            } catch (ConfigException e) {
                throw bad(key, "is not a duration; use for example 500ms, 10s, 5m or 1h");
            }
        }

        Duration positiveDuration(String key) {
            Duration d = duration(key);
            if (d.isZero()) {
                throw bad(key, "must be greater than zero");
            }
            return d;
        }

        boolean bool(String key) {
            return switch (string(key).toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off", "" -> false;
                default -> throw bad(key, "must be true or false");
            };
        }

        InetSocketAddress address(String key) {
            String v = string(key);
            int colon = v.lastIndexOf(':');
            if (colon <= 0) {
                throw bad(key, "must be HOST:PORT, for example 127.0.0.1:7411");
            }
            String host = v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(v.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw bad(key, "has a port outside 0-65535");
                }
                return new InetSocketAddress(host, port);
            } catch (NumberFormatException e) {
                throw bad(key, "must be HOST:PORT, for example 127.0.0.1:7411");
            }
        }

        /**
         * Builds a value that validates itself; its message names keys as {@code shortPrefix...}, which become the
         * configuration's full keys ({@code fullPrefix...}).
         */
        <T> T validated(String shortPrefix, String fullPrefix, java.util.function.Supplier<T> build) {
            try {
                return build.get();
            } catch (IllegalArgumentException e) {
                String message = String.valueOf(e.getMessage())
                        .replaceAll("(?<![\\w.-])" + java.util.regex.Pattern.quote(shortPrefix),
                                java.util.regex.Matcher.quoteReplacement(fullPrefix));
                throw new ConfigException(message, e);
            }
        }
    }

    /** The keys a config file may use, for docs and {@code doctor}. */
    public static List<String> knownKeys() {
        return List.copyOf(new TreeMap<>(DEFAULTS).keySet());
    }
}
