package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.ColumnType;
import io.github.connectmonitor.sink.RowMapper;
import io.github.connectmonitor.sink.SinkColumns;
import io.github.connectmonitor.sink.SinkEntry;
import io.github.connectmonitor.sink.SinkOptions;
import org.apache.flink.configuration.ReadableConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Maps a row (by column position) to one {@link InfluxDbPoint}, the way the Timestream sink's
 * RecordMapper maps it to a record: the {@code tag.columns} are tags, one time column is the point
 * time in milliseconds, every other column is a field. The optional version column is not written:
 * InfluxDB keeps the last write of the same series (measurement and tag set) and time, so a
 * corrected window simply overwrites the earlier point, which is what Timestream's version did.
 *
 * <p>Field types follow the column: integers as {@code 123i}, FLOAT/DOUBLE/DECIMAL as floats,
 * BOOLEAN, STRING as a quoted string, TIMESTAMP as integer epoch milliseconds. Null fields are left
 * out; a row with no field left, no time, or text line protocol cannot carry is marked invalid (it
 * goes to the dead letters). Built once per sink from the schema, where every configuration
 * mistake is reported with the column and option names.
 */
public final class PointMapper implements RowMapper<InfluxDbPoint> {

    private static final long serialVersionUID = 1L;

    /** Points above this many bytes are dead-lettered unsent, so one row cannot fail the buffer. */
    static final int MAX_POINT_BYTES = SinkEntry.MAX_BYTES;

    private static final int MAX_DEAD_LETTER_CHARS = 1024;

    private final String measurement;
    private final String timeColumn;
    private final int timeIndex;
    private final String[] tagNames;
    private final int[] tagIndexes;
    private final ColumnType[] tagTypes;
    private final String[] fieldNames;
    private final int[] fieldIndexes;
    private final ColumnType[] fieldTypes;

    private PointMapper(
            String measurement,
            String timeColumn,
            int timeIndex,
            List<Integer> tagIndexes,
            List<Integer> fieldIndexes,
            SinkColumns columns) {
        this.measurement = measurement;
        this.timeColumn = timeColumn;
        this.timeIndex = timeIndex;
        // InfluxDB wants tags sorted by key (it sorts them itself otherwise, on every write).
        List<Integer> sortedTags = new ArrayList<>(tagIndexes);
        sortedTags.sort(Comparator.comparing(columns::name));
        this.tagIndexes = sortedTags.stream().mapToInt(Integer::intValue).toArray();
        this.tagNames = sortedTags.stream().map(columns::name).toArray(String[]::new);
        this.tagTypes = sortedTags.stream().map(columns::type).toArray(ColumnType[]::new);
        this.fieldIndexes = fieldIndexes.stream().mapToInt(Integer::intValue).toArray();
        this.fieldNames = fieldIndexes.stream().map(columns::name).toArray(String[]::new);
        this.fieldTypes = fieldIndexes.stream().map(columns::type).toArray(ColumnType[]::new);
    }

    /** The mapper the table's options describe ({@code measurement}, {@code tag.columns}, …). */
    public static PointMapper fromOptions(SinkColumns columns, ReadableConfig options) {
        return create(
                columns,
                options.get(InfluxDbConnectorOptions.MEASUREMENT),
                options.get(InfluxDbConnectorOptions.TAG_COLUMNS),
                options.get(SinkOptions.TIME_COLUMN),
                options.get(InfluxDbConnectorOptions.VERSION_COLUMN));
    }

    /**
     * Validates the column layout against the options and builds the mapper.
     *
     * @param tagColumns comma-separated value of {@code tag.columns}, or null for no tags
     * @param versionColumn null when the table has no version column
     * @throws IllegalArgumentException naming the column and option that do not fit
     */
    public static PointMapper create(
            SinkColumns columns, String measurement, String tagColumns, String timeColumn, String versionColumn) {
        if (measurement == null || measurement.trim().isEmpty()) {
            throw new IllegalArgumentException(
                    "Option '" + InfluxDbConnectorOptions.MEASUREMENT.key() + "' is empty.");
        }
        checkName(measurement, InfluxDbConnectorOptions.MEASUREMENT.key(), true);
        int timeIndex = columns.timeColumn(timeColumn, SinkOptions.TIME_COLUMN.key());
        int versionIndex = -1;
        if (versionColumn != null && !versionColumn.trim().isEmpty()) {
            versionIndex = columns.require(versionColumn.trim(), InfluxDbConnectorOptions.VERSION_COLUMN.key());
        }
        String tagOption = InfluxDbConnectorOptions.TAG_COLUMNS.key();
        List<Integer> tagIndexes =
                columns.keyColumns(
                        SinkColumns.parseList(tagOption, tagColumns), tagOption, "tag", timeIndex, versionIndex);
        for (int index : tagIndexes) {
            checkName(columns.name(index), tagOption, false);
        }
        List<Integer> fieldIndexes = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (i == timeIndex || i == versionIndex || tagIndexes.contains(i)) {
                continue;
            }
            if (columns.type(i) == ColumnType.UNSUPPORTED) {
                throw new IllegalArgumentException(
                        String.format(
                                "Column '%s' has type %s, which the InfluxDB sink cannot write. Fields "
                                        + "may be BIGINT/INT/SMALLINT/TINYINT, DOUBLE/FLOAT/DECIMAL, "
                                        + "BOOLEAN, STRING or TIMESTAMP; cast the column or leave it "
                                        + "out of the sink table.",
                                columns.name(i), columns.typeName(i)));
            }
            if (columns.name(i).equals("time")) {
                throw new IllegalArgumentException(
                        "Column 'time' would be a field, which InfluxDB refuses; make it the time "
                                + "column (option '" + SinkOptions.TIME_COLUMN.key()
                                + "') or rename it.");
            }
            checkName(columns.name(i), "field column", false);
            fieldIndexes.add(i);
        }
        if (fieldIndexes.isEmpty()) {
            throw new IllegalArgumentException(
                    "The sink table has no field columns: every column is a tag, the time or the "
                            + "version. Add at least one field column.");
        }
        return new PointMapper(measurement.trim(), timeColumn, timeIndex, tagIndexes, fieldIndexes, columns);
    }

    private static void checkName(String name, String option, boolean measurement) {
        try {
            if (measurement) {
                LineProtocol.measurement(new StringBuilder(), name);
            } else {
                LineProtocol.key(new StringBuilder(), name);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    String.format("'%s' cannot be written as line protocol (%s): %s.", name, option, e.getMessage()));
        }
    }

    /** Builds the point of one row; {@code field} returns the value at a column position. */
    @Override
    public InfluxDbPoint map(IntFunction<Object> field) {
        StringBuilder line = new StringBuilder(128);
        List<String> problems = new ArrayList<>(2);
        LineProtocol.measurement(line, measurement);
        for (int i = 0; i < tagIndexes.length; i++) {
            String value = tagTypes[i].render(field.apply(tagIndexes[i]));
            if (value == null) {
                continue;
            }
            try {
                StringBuilder tag = new StringBuilder().append(',');
                LineProtocol.key(tag, tagNames[i]).append('=');
                LineProtocol.tagValue(tag, value);
                line.append(tag);
            } catch (IllegalArgumentException e) {
                problems.add("tag '" + tagNames[i] + "': " + e.getMessage());
            }
        }
        int fields = 0;
        for (int i = 0; i < fieldIndexes.length; i++) {
            Object raw = field.apply(fieldIndexes[i]);
            String value = fieldTypes[i].render(raw);
            if (value == null) {
                continue;
            }
            StringBuilder text = new StringBuilder().append(fields == 0 ? ' ' : ',');
            LineProtocol.key(text, fieldNames[i]).append('=');
            try {
                appendField(text, fieldTypes[i], value);
            } catch (IllegalArgumentException e) {
                problems.add("field '" + fieldNames[i] + "': " + e.getMessage());
                continue;
            }
            line.append(text);
            fields++;
        }
        if (fields == 0) {
            problems.add("all field columns are null");
        }
        Object rawTime = field.apply(timeIndex);
        Long time = null;
        if (rawTime == null) {
            problems.add("time column '" + timeColumn + "' is null");
        } else {
            time = ColumnType.toEpochMillis(rawTime);
            line.append(' ').append(time);
        }
        if (!problems.isEmpty()) {
            return new InfluxDbPoint(truncate(line), time, String.join("; ", problems));
        }
        InfluxDbPoint point = InfluxDbPoint.valid(line.toString(), time);
        if (point.sizeInBytes() > MAX_POINT_BYTES) {
            return new InfluxDbPoint(
                    truncate(line),
                    time,
                    "point of " + point.sizeInBytes() + " bytes exceeds the sink's " + MAX_POINT_BYTES
                            + "-byte point limit (line truncated here)");
        }
        return point;
    }

    private static void appendField(StringBuilder line, ColumnType type, String value) {
        switch (type) {
            case INTEGER:
            case TIMESTAMP:
                LineProtocol.integerField(line, Long.parseLong(value));
                return;
            case FLOATING:
                LineProtocol.floatField(line, value);
                return;
            case BOOLEAN:
                LineProtocol.booleanField(line, Boolean.parseBoolean(value));
                return;
            case STRING:
                LineProtocol.stringField(line, value);
                return;
            default:
                throw new IllegalStateException("Unsupported column type " + type);
        }
    }

    private static String truncate(StringBuilder line) {
        return line.length() <= MAX_DEAD_LETTER_CHARS
                ? line.toString()
                : line.substring(0, MAX_DEAD_LETTER_CHARS) + "...";
    }

    @Override
    public String toString() {
        return String.format(
                "PointMapper{measurement=%s, time=%s, tags=%s, fields=%s}",
                measurement, timeColumn, String.join(",", tagNames), String.join(",", fieldNames));
    }
}
