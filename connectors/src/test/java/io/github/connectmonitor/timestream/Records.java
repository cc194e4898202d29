package io.github.connectmonitor.timestream;

import java.util.ArrayList;
import java.util.List;

/** Builds {@link TimestreamRecord}s for tests. */
final class Records {

    private String measureName = "queue";
    private Long time = 1_700_000_000_000L;
    private Long version;
    private final List<String> dimensionNames = new ArrayList<>();
    private final List<String> dimensionValues = new ArrayList<>();
    private final List<String> measureNames = new ArrayList<>();
    private final List<MeasureType> measureTypes = new ArrayList<>();
    private final List<String> measureValues = new ArrayList<>();
    private String invalidReason;

    static Records record() {
        return new Records();
    }

    /** A valid record of queue {@code queueId} with one BIGINT measure. */
    static TimestreamRecord queue(String queueId, long calls) {
        return record().dim("instance_id", "i-1").dim("queue_id", queueId).measure("calls", MeasureType.BIGINT, Long.toString(calls)).build();
    }

    Records measureName(String name) {
        this.measureName = name;
        return this;
    }

    Records time(Long millis) {
        this.time = millis;
        return this;
    }

    Records version(Long version) {
        this.version = version;
        return this;
    }

    Records dim(String name, String value) {
        dimensionNames.add(name);
        dimensionValues.add(value);
        return this;
    }

    Records measure(String name, MeasureType type, String value) {
        measureNames.add(name);
        measureTypes.add(type);
        measureValues.add(value);
        return this;
    }

    Records invalid(String reason) {
        this.invalidReason = reason;
        return this;
    }

    TimestreamRecord build() {
        return new TimestreamRecord(
                measureName,
                time,
                version,
                dimensionNames.toArray(new String[0]),
                dimensionValues.toArray(new String[0]),
                measureNames.toArray(new String[0]),
                measureTypes.toArray(new MeasureType[0]),
                measureValues.toArray(new String[0]),
                invalidReason);
    }
}
