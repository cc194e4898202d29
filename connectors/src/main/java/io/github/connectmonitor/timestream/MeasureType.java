package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.ColumnType;

/** Timestream scalar types a measure of a multi-measure record can have. */
public enum MeasureType {
    BIGINT,
    DOUBLE,
    BOOLEAN,
    VARCHAR,
    TIMESTAMP;

    /** The measure type of a column, or null when it cannot be a measure. */
    static MeasureType of(ColumnType column) {
        switch (column) {
            case INTEGER:
                return BIGINT;
            case FLOATING:
                return DOUBLE;
            case BOOLEAN:
                return BOOLEAN;
            case STRING:
                return VARCHAR;
            case TIMESTAMP:
                return TIMESTAMP;
            default:
                return null;
        }
    }
}
