package io.github.connectmonitor.timestream;

/** A Timestream write failure that retrying will not fix; fails the job with the cause. */
public class TimestreamSinkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TimestreamSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
