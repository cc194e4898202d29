package io.github.connectmonitor.timestream;

/** Timestream scalar types a measure of a multi-measure record can have. */
public enum MeasureType {
    BIGINT,
    DOUBLE,
    BOOLEAN,
    VARCHAR,
    TIMESTAMP
}
