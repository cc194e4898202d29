package io.github.connectmonitor.influxdb;

/** An InfluxDB write failure that retrying will not fix; fails the job with the cause. */
public class InfluxDbSinkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InfluxDbSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
