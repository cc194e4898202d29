package io.github.connectmonitor.sink;

import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.LocalTimeTypeInfo;
import org.apache.flink.api.common.typeinfo.SqlTimeTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.types.logical.LogicalType;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The few shapes a column can have for the sinks, derived from a SQL type (Table API) or a
 * {@link TypeInformation} (DataStream API), and the conversion of its values to the text both
 * stores carry (Timestream's API strings, InfluxDB's line protocol).
 */
public enum ColumnType {
    /** TINYINT, SMALLINT, INT, BIGINT. */
    INTEGER,
    /** FLOAT, DOUBLE, DECIMAL. */
    FLOATING,
    BOOLEAN,
    /** CHAR, VARCHAR, STRING. */
    STRING,
    /** TIMESTAMP (read as UTC) and TIMESTAMP_LTZ: epoch milliseconds. */
    TIMESTAMP,
    /** Any other type (ARRAY, MAP, ROW, BYTES, DATE, TIME): no sink writes it. */
    UNSUPPORTED;

    public static ColumnType of(LogicalType type) {
        switch (type.getTypeRoot()) {
            case TINYINT:
            case SMALLINT:
            case INTEGER:
            case BIGINT:
                return INTEGER;
            case FLOAT:
            case DOUBLE:
            case DECIMAL:
                return FLOATING;
            case BOOLEAN:
                return BOOLEAN;
            case CHAR:
            case VARCHAR:
                return STRING;
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return TIMESTAMP;
            default:
                return UNSUPPORTED;
        }
    }

    public static ColumnType of(TypeInformation<?> type) {
        if (type.equals(BasicTypeInfo.LONG_TYPE_INFO)
                || type.equals(BasicTypeInfo.INT_TYPE_INFO)
                || type.equals(BasicTypeInfo.SHORT_TYPE_INFO)
                || type.equals(BasicTypeInfo.BYTE_TYPE_INFO)) {
            return INTEGER;
        }
        if (type.equals(BasicTypeInfo.DOUBLE_TYPE_INFO)
                || type.equals(BasicTypeInfo.FLOAT_TYPE_INFO)
                || type.equals(BasicTypeInfo.BIG_DEC_TYPE_INFO)) {
            return FLOATING;
        }
        if (type.equals(BasicTypeInfo.BOOLEAN_TYPE_INFO)) {
            return BOOLEAN;
        }
        if (type.equals(BasicTypeInfo.STRING_TYPE_INFO)) {
            return STRING;
        }
        if (type.equals(SqlTimeTypeInfo.TIMESTAMP)
                || type.equals(LocalTimeTypeInfo.LOCAL_DATE_TIME)
                || type.equals(BasicTypeInfo.INSTANT_TYPE_INFO)) {
            return TIMESTAMP;
        }
        return UNSUPPORTED;
    }

    /**
     * Renders a value as text; null when the value is absent or has no representation in either
     * store (null, empty string, NaN, infinity). Accepts Flink's internal data structures
     * (StringData, DecimalData, TimestampData) as well as plain Java objects.
     */
    public String render(Object value) {
        if (value == null) {
            return null;
        }
        switch (this) {
            case INTEGER:
                return Long.toString(((Number) value).longValue());
            case FLOATING:
                double d = toDouble(value);
                return Double.isNaN(d) || Double.isInfinite(d)
                        ? null
                        : BigDecimal.valueOf(d).toPlainString();
            case BOOLEAN:
                return Boolean.toString((Boolean) value);
            case STRING:
                String s = value.toString();
                return s.isEmpty() ? null : s;
            case TIMESTAMP:
                return Long.toString(toEpochMillis(value));
            default:
                throw new IllegalStateException("Unsupported column type " + this);
        }
    }

    /** Epoch milliseconds of a time value; a timestamp without zone is read as UTC. */
    public static long toEpochMillis(Object value) {
        if (value instanceof Number) {
            return ((Number) value).longValue();
        }
        if (value instanceof org.apache.flink.table.data.TimestampData) {
            return ((org.apache.flink.table.data.TimestampData) value).getMillisecond();
        }
        if (value instanceof Timestamp) {
            return ((Timestamp) value).toLocalDateTime().toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        if (value instanceof LocalDateTime) {
            return ((LocalDateTime) value).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        if (value instanceof Instant) {
            return ((Instant) value).toEpochMilli();
        }
        throw new IllegalArgumentException(
                "Cannot read a time from " + value.getClass().getName() + ": " + value);
    }

    private static double toDouble(Object value) {
        if (value instanceof org.apache.flink.table.data.DecimalData) {
            return ((org.apache.flink.table.data.DecimalData) value).toBigDecimal().doubleValue();
        }
        return ((Number) value).doubleValue();
    }
}
