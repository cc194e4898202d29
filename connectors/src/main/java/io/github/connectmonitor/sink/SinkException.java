package io.github.connectmonitor.sink;

/**
 * A write failure that retrying will not fix (the attempts are spent, the store refuses the
 * credentials, the table or database is missing): fails the job with the cause. The message names
 * the store, where it writes and the option to fix.
 */
public class SinkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
