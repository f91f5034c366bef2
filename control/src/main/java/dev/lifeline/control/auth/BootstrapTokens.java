package dev.lifeline.control.auth;

import dev.lifeline.core.log.KeyValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the first start leaves for the operator: the team {@code default}, {@code admin.token} (the operator's token)
 * and {@code join.token} (registers one agent into {@code default}), both 0600 in the data dir. A later start keeps
 * both files as they are; a token file the database does not know (a new {@code --db}) is recorded again, so the
 * files on disk always work.
 */
public final class BootstrapTokens {
    public static final String ADMIN_FILE = "admin.token";
    public static final String JOIN_FILE = "join.token";
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTokens.class);

    private BootstrapTokens() {}

    public static void ensure(Path dataDir, Jdbi jdbi, TeamStore teams, TokenStore tokens, Instant now) {
        jdbi.useTransaction(h -> {
            Team team = teams.ensure(h, Team.DEFAULT, now);
            ensureFile(h, dataDir.resolve(ADMIN_FILE), TokenKind.ADMIN, null, "admin", tokens, now);
            ensureFile(h, dataDir.resolve(JOIN_FILE), TokenKind.JOIN, team.id(), JOIN_FILE, tokens, now);
        });
    }

    private static void ensureFile(Handle h, Path file, TokenKind kind, Long teamId, String name, TokenStore tokens,
            Instant now) {
        try {
            Optional<String> existing = TokenFiles.read(file);
            String token = existing.orElseGet(() -> Tokens.generate(kind.wireName()));
            // the file is written inside the transaction, so that it exists only if the commit follows; a crash in
            // between leaves a file the database does not know, which the next start records
            boolean recorded = tokens.ensure(h, token, kind, teamId, name, now);
            if (existing.isEmpty()) {
                TokenFiles.write(file, token);
                LOG.info(KeyValues.line("event", "token_file_written", "file", file, "kind", kind.wireName()));
            } else if (recorded) {
                LOG.info(KeyValues.line("event", "token_file_recorded", "file", file, "kind", kind.wireName(),
                        "why", "the database did not know it"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file + ": " + e.getMessage()
                    + " (the data dir must be writable by the control plane's user)", e);
        }
    }
}
