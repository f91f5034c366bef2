package dev.lifeline.control.monitor;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Counts the round trips to the database of the handles it is attached to: every statement executed (a query, an
 * update, a batch) and every commit. The driver sends a transaction's BEGIN with its first statement, so a
 * transaction costs its statements plus one.
 */
public final class RoundTrips {
    private final AtomicLong count = new AtomicLong();

    /**
     * Counts this handle's statements from now on (the setting is the handle's own, not the Jdbi's); a logger the
     * handle already had still sees every statement.
     */
    public Handle attach(Handle handle) {
        SqlStatements statements = handle.getConfig(SqlStatements.class);
        SqlLogger before = statements.getSqlLogger();
        statements.setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                count.incrementAndGet();
                before.logBeforeExecution(context);
            }

            @Override
            public void logAfterExecution(StatementContext context) {
                before.logAfterExecution(context);
            }

            @Override
            public void logException(StatementContext context, SQLException ex) {
                before.logException(context, ex);
            }
        });
        return handle;
    }

    /** Commits the handle's transaction, counted. */
    public void commit(Handle handle) {
        handle.commit();
        count.incrementAndGet();
    }

    public long count() {
        return count.get();
    }
}
