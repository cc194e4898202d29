package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.JsonObject;
import io.github.connectmonitor.sink.SinkEntry;

import java.util.Arrays;
import java.util.Objects;

/**
 * One multi-measure record as buffered by the sink: dimensions, measures (with Timestream types),
 * time in epoch milliseconds and an optional version. A record that cannot be written (no time, no
 * measure, too large) carries an {@link #invalidReason()} and goes to the dead letters instead of
 * the service. Immutable; the AWS SDK model objects are built only when a request is sent.
 */
public final class TimestreamRecord implements SinkEntry {

    private static final long serialVersionUID = 1L;

    private final String measureName;
    private final Long timeMillis;
    private final Long version;
    private final String[] dimensionNames;
    private final String[] dimensionValues;
    private final String[] measureNames;
    private final MeasureType[] measureTypes;
    private final String[] measureValues;
    private final String invalidReason;

    public TimestreamRecord(
            String measureName,
            Long timeMillis,
            Long version,
            String[] dimensionNames,
            String[] dimensionValues,
            String[] measureNames,
            MeasureType[] measureTypes,
            String[] measureValues,
            String invalidReason) {
        if (dimensionNames.length != dimensionValues.length
                || measureNames.length != measureTypes.length
                || measureNames.length != measureValues.length) {
            throw new IllegalArgumentException("Names, types and values must line up");
        }
        this.measureName = Objects.requireNonNull(measureName, "measureName");
        this.timeMillis = timeMillis;
        this.version = version;
        this.dimensionNames = dimensionNames;
        this.dimensionValues = dimensionValues;
        this.measureNames = measureNames;
        this.measureTypes = measureTypes;
        this.measureValues = measureValues;
        this.invalidReason = invalidReason;
    }

    public String measureName() {
        return measureName;
    }

    /** Epoch milliseconds; null only for an invalid record. */
    @Override
    public Long timeMillis() {
        return timeMillis;
    }

    /** Null when the record carries no version (Timestream then uses 1). */
    public Long version() {
        return version;
    }

    public int dimensionCount() {
        return dimensionNames.length;
    }

    public String dimensionName(int i) {
        return dimensionNames[i];
    }

    public String dimensionValue(int i) {
        return dimensionValues[i];
    }

    public int measureCount() {
        return measureNames.length;
    }

    public String measureName(int i) {
        return measureNames[i];
    }

    public MeasureType measureType(int i) {
        return measureTypes[i];
    }

    public String measureValue(int i) {
        return measureValues[i];
    }

    /** Why this record cannot be written, or null when it can. */
    @Override
    public String invalidReason() {
        return invalidReason;
    }

    /**
     * Rough size of the record on the wire (names, values and JSON overhead). Used for the
     * byte-based flush threshold only; an invalid record is never sent and counts as 1 byte.
     */
    @Override
    public long sizeInBytes() {
        if (!isValid()) {
            return 1;
        }
        long size = 64 + measureName.length();
        for (int i = 0; i < dimensionNames.length; i++) {
            size += 32 + utf8Length(dimensionNames[i]) + utf8Length(dimensionValues[i]);
        }
        for (int i = 0; i < measureNames.length; i++) {
            size += 40 + utf8Length(measureNames[i]) + utf8Length(measureValues[i]);
        }
        return size;
    }

    /**
     * The record as its dead letter shows it: {@code {"measureName":…,"time":…,"version":…,
     * "dimensions":{name:value,…},"measures":{name:{"type":…,"value":…},…}}}.
     */
    JsonObject toJson() {
        JsonObject dimensions = new JsonObject();
        for (int i = 0; i < dimensionNames.length; i++) {
            dimensions.string(dimensionNames[i], dimensionValues[i]);
        }
        JsonObject measures = new JsonObject();
        for (int i = 0; i < measureNames.length; i++) {
            measures.object(
                    measureNames[i],
                    new JsonObject().string("type", measureTypes[i].name()).string("value", measureValues[i]));
        }
        return new JsonObject()
                .string("measureName", measureName)
                .number("time", timeMillis)
                .number("version", version)
                .object("dimensions", dimensions)
                .object("measures", measures);
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TimestreamRecord)) {
            return false;
        }
        TimestreamRecord that = (TimestreamRecord) o;
        return measureName.equals(that.measureName)
                && Objects.equals(timeMillis, that.timeMillis)
                && Objects.equals(version, that.version)
                && Arrays.equals(dimensionNames, that.dimensionNames)
                && Arrays.equals(dimensionValues, that.dimensionValues)
                && Arrays.equals(measureNames, that.measureNames)
                && Arrays.equals(measureTypes, that.measureTypes)
                && Arrays.equals(measureValues, that.measureValues)
                && Objects.equals(invalidReason, that.invalidReason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(measureName, timeMillis, version, Arrays.hashCode(dimensionValues));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TimestreamRecord{measure=").append(measureName);
        sb.append(", time=").append(timeMillis).append(", version=").append(version);
        for (int i = 0; i < dimensionNames.length; i++) {
            sb.append(", ").append(dimensionNames[i]).append('=').append(dimensionValues[i]);
        }
        for (int i = 0; i < measureNames.length; i++) {
            sb.append(", ")
                    .append(measureNames[i])
                    .append(':')
                    .append(measureTypes[i])
                    .append('=')
                    .append(measureValues[i]);
        }
        if (invalidReason != null) {
            sb.append(", invalid=").append(invalidReason);
        }
        return sb.append('}').toString();
    }
}
