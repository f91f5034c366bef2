package dev.lifeline.control.config;

import dev.lifeline.control.http.PemKeyStore;
import dev.lifeline.control.store.DatabaseUrl;
import dev.lifeline.core.fleet.MonitorRules;
import dev.lifeline.core.time.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads {@link ControlConfig}: defaults, then environment variables ({@code LIFELINE_CONTROL_} and the key in capitals,
 * {@code -} as {@code _}: {@code LIFELINE_CONTROL_HEARTBEAT_INTERVAL}), then flags ({@code --heartbeat-interval}).
 * Every bad value is reported with its key, its value and where it came from; nothing is started on a bad one.
 */
public final class ControlConfigLoader {
    public static final String ENV_PREFIX = "LIFELINE_CONTROL_";

    /** Every key with its default ("" = not set; grace periods and thresholds default from each other). */
    public static final Map<String, String> DEFAULTS = defaults();

    private ControlConfigLoader() {}

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data-dir", "");
        d.put("db", "");
        d.put("listen", "127.0.0.1:7420");
        d.put("tls-cert", "");
        d.put("tls-key", "");
        d.put("allow-insecure", "false");
        d.put("heartbeat-interval", "30s");
        d.put("unreachable-after", "");
        d.put("monitor-interval", "10s");
        d.put("transient-grace", "2m");
        d.put("snapshot-grace", "15m");
        d.put("failover-grace", "");
        d.put("mass-silence-share", "0.5");
        return Map.copyOf(d);
    }

    /** The environment variable of {@code key}. */
    public static String environmentName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * @param flags keys without the leading {@code --} (an unknown key is refused)
     * @param environment the process environment (only the {@code LIFELINE_CONTROL_*} names of known keys are read)
     * @param defaultDataDir the data dir when neither a flag nor the environment sets one
     */
    public static ControlConfig load(Map<String, String> flags, Map<String, String> environment, Path defaultDataDir) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        DEFAULTS.forEach((k, v) -> settings.put(k, new Setting(k, v, "default")));
        DEFAULTS.keySet().forEach(k -> {
            String v = environment.get(environmentName(k));
            if (v != null && !v.isBlank()) {
                settings.put(k, new Setting(k, v, "environment " + environmentName(k)));
            }
        });
        flags.forEach((k, v) -> {
            if (!DEFAULTS.containsKey(k)) {
                throw new ControlConfigException("unknown setting '" + k + "'; known: "
                        + String.join(", ", List.copyOf(DEFAULTS.keySet())));
            }
            settings.put(k, new Setting(k, v, "flag --" + k));
        });
        return build(settings, defaultDataDir);
    }

    private static ControlConfig build(Map<String, Setting> s, Path defaultDataDir) {
        Path dataDir = s.get("data-dir").isSet() ? Path.of(s.get("data-dir").text()).toAbsolutePath().normalize()
                : defaultDataDir;
        Optional<DatabaseUrl> db = Optional.empty();
        if (s.get("db").isSet()) {
            try {
                db = Optional.of(DatabaseUrl.parse(s.get("db").text()));
            } catch (IllegalArgumentException e) {
                // DatabaseUrl's message shows the URL without its password; the setting's own value would show it
                throw new ControlConfigException(e.getMessage().replaceFirst("^--db: ", "db (from "
                        + s.get("db").source() + "): "), e);
            }
        }
        ListenAddress listen = s.get("listen").parse(ListenAddress::parse);
        Optional<TlsFiles> tls = tls(s.get("tls-cert"), s.get("tls-key"));
        boolean allowInsecure = s.get("allow-insecure").bool();
        if (!listen.loopback() && tls.isEmpty() && !allowInsecure) {
            throw s.get("listen").bad("is not a loopback address and no TLS is configured: give --tls-cert and "
                    + "--tls-key (PEM files), or --allow-insecure to serve plain HTTP on the network (tokens would "
                    + "cross it in clear text)");
        }
        Duration heartbeat = s.get("heartbeat-interval").positiveDuration();
        Duration unreachable = s.get("unreachable-after").isSet() ? s.get("unreachable-after").positiveDuration()
                : heartbeat.multipliedBy(3);
        if (unreachable.compareTo(heartbeat) <= 0) {
            throw s.get("unreachable-after").bad("must be longer than heartbeat-interval ("
                    + DurationText.format(heartbeat) + "), or every host would turn unreachable between two beats; "
                    + "three intervals is the default");
        }
        Duration failover = s.get("failover-grace").isSet() ? s.get("failover-grace").duration() : unreachable;
        double share = s.get("mass-silence-share").share();
        MonitorRules defaults = MonitorRules.defaults();
        MonitorRules rules = new MonitorRules(unreachable, s.get("transient-grace").positiveDuration(),
                s.get("snapshot-grace").positiveDuration(), share, defaults.massSilenceMinHosts(), failover);
        return new ControlConfig(dataDir, db, listen, tls, allowInsecure, heartbeat,
                s.get("monitor-interval").positiveDuration(), rules);
    }

    private static Optional<TlsFiles> tls(Setting cert, Setting key) {
        if (cert.isSet() != key.isSet()) {
            Setting given = cert.isSet() ? cert : key;
            throw given.bad("is given without --" + (cert.isSet() ? "tls-key" : "tls-cert")
                    + ": HTTPS needs both the PEM certificate chain and its private key");
        }
        if (!cert.isSet()) {
            return Optional.empty();
        }
        TlsFiles files = new TlsFiles(Path.of(cert.text()), Path.of(key.text()));
        try {
            PemKeyStore.load(files.certificate(), files.privateKey());
        } catch (PemKeyStore.PemException e) {
            throw (e.aboutKey() ? key : cert).bad(e.getMessage());
        }
        return Optional.of(files);
    }

    /** One setting's value and where it came from; its typed reads name both when they fail. */
    private record Setting(String key, String value, String source) {
        String text() {
            return value.strip();
        }

        boolean isSet() {
            return !text().isEmpty();
        }

        ControlConfigException bad(String expected) {
            return new ControlConfigException(key + ": '" + value + "' (from " + source + ") " + expected);
        }

        <T> T parse(Function<String, T> parser) {
            try {
                return parser.apply(text());
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }

        Duration duration() {
            try {
                return DurationText.parse(key, text());
            } catch (IllegalArgumentException e) {
                throw bad("is not a duration; use for example 500ms, 10s, 5m or 1h");
            }
        }

        Duration positiveDuration() {
            Duration d = duration();
            if (d.isZero()) {
                throw bad("must be greater than zero");
            }
            return d;
        }

        double share() {
            try {
                double v = Double.parseDouble(text());
                if (!(v > 0 && v <= 1)) {
                    throw bad("must be a share above 0 and at most 1, for example 0.5 (more than half the hosts)");
                }
                return v;
            } catch (NumberFormatException e) {
                throw bad("is not a number; use a share such as 0.5");
            }
        }

        boolean bool() {
            return switch (text().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0", "" -> false;
                default -> throw bad("must be true or false");
            };
        }
    }
}
