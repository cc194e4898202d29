package io.github.connectmonitor.parse;

/**
 * A record that cannot be used, with the short, stable reason the dead-letter counts use (the same
 * codes as Python's {@code connect_model.RejectedRecord}). No stack trace: bad records are data, and
 * a hostile stream can carry many.
 */
public final class Rejected extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    Rejected(String reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
