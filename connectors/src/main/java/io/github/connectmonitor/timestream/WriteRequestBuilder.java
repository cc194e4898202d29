package io.github.connectmonitor.timestream;

import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValue;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Shapes one WriteRecords request. Whatever every record of the batch shares goes into {@code
 * CommonAttributes} once instead of into each record: the measure name, the MULTI value type, the
 * time unit, and the time, version and dimension values when they are equal throughout (a window's
 * results share their time and often most dimensions). The records keep the batch order, so a
 * rejection's RecordIndex points back into the list given here.
 */
final class WriteRequestBuilder {

    private final String database;
    private final String table;

    WriteRequestBuilder(String database, String table) {
        this.database = database;
        this.table = table;
    }

    WriteRecordsRequest build(List<TimestreamRecord> records) {
        if (records.isEmpty() || records.size() > TimestreamConnectorOptions.MAX_RECORDS_PER_REQUEST) {
            throw new IllegalArgumentException(
                    "A WriteRecords request holds 1 to "
                            + TimestreamConnectorOptions.MAX_RECORDS_PER_REQUEST
                            + " records, not "
                            + records.size());
        }
        TimestreamRecord first = records.get(0);
        boolean sameMeasureName = true;
        boolean sameTime = true;
        boolean sameVersion = first.version() != null;
        Map<String, String> commonDimensions = dimensionsOf(first);
        for (TimestreamRecord record : records) {
            sameMeasureName &= record.measureName().equals(first.measureName());
            sameTime &= Objects.equals(record.timeMillis(), first.timeMillis());
            sameVersion &= Objects.equals(record.version(), first.version());
            Map<String, String> dimensions = dimensionsOf(record);
            commonDimensions.entrySet().removeIf(e -> !e.getValue().equals(dimensions.get(e.getKey())));
        }

        Record.Builder common =
                Record.builder().measureValueType(MeasureValueType.MULTI).timeUnit(TimeUnit.MILLISECONDS);
        if (sameMeasureName) {
            common.measureName(first.measureName());
        }
        if (sameTime) {
            common.time(Long.toString(first.timeMillis()));
        }
        if (sameVersion) {
            common.version(first.version());
        }
        if (!commonDimensions.isEmpty()) {
            common.dimensions(toDimensions(commonDimensions));
        }

        List<Record> sdkRecords = new ArrayList<>(records.size());
        for (TimestreamRecord record : records) {
            Record.Builder builder = Record.builder();
            if (!sameMeasureName) {
                builder.measureName(record.measureName());
            }
            if (!sameTime) {
                builder.time(Long.toString(record.timeMillis()));
            }
            if (!sameVersion && record.version() != null) {
                builder.version(record.version());
            }
            Map<String, String> own = dimensionsOf(record);
            own.keySet().removeAll(commonDimensions.keySet());
            if (!own.isEmpty()) {
                builder.dimensions(toDimensions(own));
            }
            List<MeasureValue> measures = new ArrayList<>(record.measureCount());
            for (int i = 0; i < record.measureCount(); i++) {
                measures.add(
                        MeasureValue.builder()
                                .name(record.measureName(i))
                                .type(MeasureValueType.fromValue(record.measureType(i).name()))
                                .value(record.measureValue(i))
                                .build());
            }
            sdkRecords.add(builder.measureValues(measures).build());
        }
        return WriteRecordsRequest.builder()
                .databaseName(database)
                .tableName(table)
                .commonAttributes(common.build())
                .records(sdkRecords)
                .build();
    }

    private static Map<String, String> dimensionsOf(TimestreamRecord record) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        for (int i = 0; i < record.dimensionCount(); i++) {
            dimensions.put(record.dimensionName(i), record.dimensionValue(i));
        }
        return dimensions;
    }

    private static List<Dimension> toDimensions(Map<String, String> dimensions) {
        List<Dimension> result = new ArrayList<>(dimensions.size());
        dimensions.forEach((name, value) -> result.add(Dimension.builder().name(name).value(value).build()));
        return result;
    }
}
