package org.dysonmonitor.store;

/** What a failed PostgreSQL call means to the user of the store, by its SQLSTATE. */
final class PostgresErrors {

    private PostgresErrors() {
    }

    /** The user's reading of {@code e}: a refused login, an unreachable server or a missing database named as such. */
    static String explain(Exception e, PostgresSettings settings) {
        String state = PostgresDialect.state(e);
        String message = firstLine(e.getMessage());
        if (state == null) {
            return message;
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return "the server refused the login of user " + settings.user() + " (" + message + "); "
                    + (settings.password().isPresent() ? "check the password given by --store-password-file or "
                    + HistoryStores.PASSWORD_VARIABLE : "it may need a password: give it by --store-password-file FILE "
                    + "or " + HistoryStores.PASSWORD_VARIABLE);
        }
        if (state.equals("08001") || state.equals("08004") || state.equals("08006")) {
            Throwable cause = e.getCause();
            return "cannot reach the server at " + settings.host() + ":" + settings.port() + " ("
                    + (cause != null && cause.getMessage() != null ? firstLine(cause.getMessage()) : message) + ")";
        }
        if (state.equals("3D000")) {
            return "the server has no database " + settings.database() + " (" + message + ")";
        }
        if (state.equals("42501")) {
            return "user " + settings.user() + " may not create or write the store's tables (" + message + ")";
        }
        if (state.equals("53100")) {
            return "the database server's disk is full (" + message + ")";
        }
        return message + " (SQLSTATE " + state + ")";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
