package io.github.connectmonitor.influxdb;

import java.io.IOException;

/**
 * What an answer of the write API means for the batch that was sent.
 *
 * <ul>
 *   <li>{@link #STORED}: 204 (InfluxDB 1.x, 2.x) or another 2xx (InfluxDB 3 may answer 200).
 *   <li>{@link #RETRY}: 429, 5xx, timeouts and connection errors; the same request may succeed
 *       later.
 *   <li>{@link #REFUSED}: 400, 413, 422: a point in the batch is bad (unparsable line, field type
 *       conflict) or the body too large. Sending the same batch again cannot help; smaller parts
 *       of it can, so the writer bisects it.
 *   <li>{@link #UNAUTHORIZED}: 401, 403: the token is missing, wrong or may not write here.
 *   <li>{@link #NOT_FOUND}: 404: no such database (or the url does not point at InfluxDB).
 *   <li>{@link #FATAL}: anything else; the job fails with the server's answer.
 * </ul>
 */
enum WriteStatus {
    STORED,
    RETRY,
    REFUSED,
    UNAUTHORIZED,
    NOT_FOUND,
    FATAL;

    static WriteStatus of(int httpStatus) {
        if (httpStatus >= 200 && httpStatus < 300) {
            return STORED;
        }
        if (httpStatus == 429 || httpStatus >= 500) {
            return RETRY;
        }
        switch (httpStatus) {
            case 400:
            case 413:
            case 422:
                return REFUSED;
            case 401:
            case 403:
                return UNAUTHORIZED;
            case 404:
                return NOT_FOUND;
            default:
                return FATAL;
        }
    }

    /** A request that got no answer: I/O errors (connection refused or reset, timeouts) are retried. */
    static WriteStatus of(Throwable error) {
        return error instanceof IOException ? RETRY : FATAL;
    }
}
