package dev.lifeline.control.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL connection URL as operators write it ({@code postgresql://user:secret@host:5432/lifeline}, several
 * hosts allowed: {@code postgresql://db1,db2:5433/lifeline?target_session_attrs=read-write}), turned into a JDBC URL
 * and credentials. {@link #toString()} never shows the password.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password, String display) {
    private static final Pattern URL = Pattern.compile(
            "^postgres(?:ql)?://(?:(?<user>[^:@/]*)(?::(?<password>[^@/]*))?@)?(?<hosts>[^/?]+)(?:/(?<db>[^?]*))?"
                    + "(?:\\?(?<query>.*))?$");

    public static DatabaseUrl parse(String url) {
        Matcher m = URL.matcher(url == null ? "" : url.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--db: '" + redact(url) + "' is not a PostgreSQL URL; expected "
                    + "postgresql://USER:PASSWORD@HOST[:PORT][,HOST2[:PORT]]/DATABASE");
        }
        String db = m.group("db") == null || m.group("db").isEmpty() ? "lifeline" : decode(m.group("db"));
        Map<String, String> params = new LinkedHashMap<>();
        if (m.group("query") != null && !m.group("query").isEmpty()) {
            for (String pair : m.group("query").split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--db: query parameter '" + pair + "' has no value");
                }
                String key = decode(pair.substring(0, eq));
                String value = decode(pair.substring(eq + 1));
                // libpq's name for "connect to the primary only" is target_session_attrs; pgJDBC's is targetServerType
                if (key.equals("target_session_attrs")) {
                    key = "targetServerType";
                    value = value.equals("read-write") || value.equals("primary") ? "primary" : value;
                }
                params.put(key, value);
            }
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(m.group("hosts")).append('/').append(db);
        String sep = "?";
        for (Map.Entry<String, String> p : params.entrySet()) {
            jdbc.append(sep).append(p.getKey()).append('=').append(p.getValue());
            sep = "&";
        }
        String user = m.group("user") == null || m.group("user").isEmpty() ? "postgres" : decode(m.group("user"));
        String password = m.group("password") == null ? null : decode(m.group("password"));
        return new DatabaseUrl(jdbc.toString(), user, password, user + "@" + m.group("hosts") + "/" + db);
    }

    @Override
    public String toString() {
        return display;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String redact(String url) {
        return url == null ? "null" : url.replaceAll("(://[^:@/]*:)[^@/]*@", "$1***@");
    }
}
