package dev.lifeline.agent.restic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Removes credentials from text that goes into logs and exceptions. */
final class Redaction {
    /** {@code scheme://user:password@} in any URL-like text. */
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(://[^/\\s:@]*):[^@\\s/]*@");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(SECRET|KEY|TOKEN|PASSWORD|PASS|CREDENTIAL).*");

    private final List<String> secrets;
    private final String repository;
    private final String redactedRepository;

    /**
     * @param repository the configured location, replaced by its redacted form wherever it appears
     * @param env extra environment: values of secret-looking names are scrubbed
     * @param password the repository password when known (read only to scrub it), may be null
     */
    Redaction(String repository, Map<String, String> env, String password) {
        this.repository = repository;
        this.redactedRepository = location(repository);
        List<String> s = new ArrayList<>();
        if (password != null && !password.isEmpty()) {
            s.add(password);
        }
        env.forEach((k, v) -> {
            if (v != null && v.length() >= 4 && SECRET_NAME.matcher(k.toUpperCase(Locale.ROOT)).matches()) {
                s.add(v);
            }
        });
        s.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(s);
    }

    /** The repository location with any {@code user:password@} reduced to {@code user:***@}. */
    static String location(String repository) {
        if (repository == null) {
            return null;
        }
        return URL_CREDENTIALS.matcher(repository).replaceAll("$1:***@");
    }

    String repository() {
        return redactedRepository;
    }

    String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        if (repository != null && !repository.equals(redactedRepository)) {
            out = out.replace(repository, redactedRepository);
        }
        out = URL_CREDENTIALS.matcher(out).replaceAll("$1:***@");
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    List<String> scrub(List<String> lines) {
        List<String> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            out.add(scrub(l));
        }
        return out;
    }
}
