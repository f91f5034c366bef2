package dev.lifeline.control.api;

/**
 * A request the API answers with an error: {@code error} in a word or two, {@code detail} saying what was wrong with
 * which input and what to do. Thrown before anything is written, or by a write that changed nothing.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;

    public ApiException(int status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "validation_failed", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "not_found", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "conflict", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", detail);
    }
}
