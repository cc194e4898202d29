package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.ColumnType;
import io.github.connectmonitor.sink.RowMapper;
import io.github.connectmonitor.sink.SinkColumns;
import io.github.connectmonitor.sink.SinkEntry;
import io.github.connectmonitor.sink.SinkOptions;
import org.apache.flink.configuration.ReadableConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Maps a row (by column position) to one multi-measure {@link TimestreamRecord}: the configured
 * dimension columns, one time column, an optional version column; every other column is a measure
 * whose Timestream type follows the column type. Null measures are left out. Built once per sink
 * from the schema, where every configuration mistake is reported with the column and option names.
 */
public final class RecordMapper implements RowMapper<TimestreamRecord> {

    private static final long serialVersionUID = 1L;

    /**
     * Records estimated above this many bytes are dead-lettered without being sent. Timestream's own
     * limit is 2 KiB per record, which it enforces by rejecting the record; this bound only keeps an
     * oversized row from failing the job inside the sink's buffer.
     */
    static final int MAX_RECORD_BYTES = SinkEntry.MAX_BYTES;

    private static final int MAX_DEAD_LETTER_VALUE_CHARS = 256;

    private final String measureName;
    private final String timeColumn;
    private final int timeIndex;
    private final ColumnType timeType;
    private final int versionIndex;
    private final String[] dimensionNames;
    private final int[] dimensionIndexes;
    private final ColumnType[] dimensionTypes;
    private final String[] measureNames;
    private final int[] measureIndexes;
    private final ColumnType[] measureColumnTypes;
    private final MeasureType[] measureTypes;

    private RecordMapper(
            String measureName,
            String timeColumn,
            int timeIndex,
            ColumnType timeType,
            int versionIndex,
            List<Integer> dimensionIndexes,
            List<Integer> measureIndexes,
            SinkColumns columns) {
        this.measureName = measureName;
        this.timeColumn = timeColumn;
        this.timeIndex = timeIndex;
        this.timeType = timeType;
        this.versionIndex = versionIndex;
        this.dimensionIndexes = dimensionIndexes.stream().mapToInt(Integer::intValue).toArray();
        this.dimensionNames = dimensionIndexes.stream().map(columns::name).toArray(String[]::new);
        this.dimensionTypes =
                dimensionIndexes.stream().map(columns::type).toArray(ColumnType[]::new);
        this.measureIndexes = measureIndexes.stream().mapToInt(Integer::intValue).toArray();
        this.measureNames = measureIndexes.stream().map(columns::name).toArray(String[]::new);
        this.measureColumnTypes =
                measureIndexes.stream().map(columns::type).toArray(ColumnType[]::new);
        this.measureTypes =
                Arrays.stream(measureColumnTypes).map(MeasureType::of).toArray(MeasureType[]::new);
    }

    /** The mapper the table's options describe ({@code measure.name}, {@code dimension.columns}, …). */
    public static RecordMapper fromOptions(SinkColumns columns, ReadableConfig options) {
        return create(
                columns,
                options.get(TimestreamConnectorOptions.MEASURE_NAME),
                options.get(TimestreamConnectorOptions.DIMENSION_COLUMNS),
                options.get(SinkOptions.TIME_COLUMN),
                options.get(TimestreamConnectorOptions.VERSION_COLUMN));
    }

    /**
     * Validates the column layout against the options and builds the mapper.
     *
     * @param dimensionColumns comma-separated value of {@code dimension.columns}
     * @param versionColumn null when records carry no version
     * @throws IllegalArgumentException naming the column and option that do not fit
     */
    public static RecordMapper create(
            SinkColumns columns,
            String measureName,
            String dimensionColumns,
            String timeColumn,
            String versionColumn) {
        if (measureName == null || measureName.trim().isEmpty()) {
            throw new IllegalArgumentException(
                    "Option '" + TimestreamConnectorOptions.MEASURE_NAME.key() + "' is empty.");
        }
        if (dimensionColumns == null || dimensionColumns.trim().isEmpty()) {
            throw new IllegalArgumentException(
                    "Option '"
                            + TimestreamConnectorOptions.DIMENSION_COLUMNS.key()
                            + "' lists no columns; Timestream records need at least one dimension.");
        }
        Set<String> dimensions =
                SinkColumns.parseList(TimestreamConnectorOptions.DIMENSION_COLUMNS.key(), dimensionColumns);
        int timeIndex = columns.timeColumn(timeColumn, SinkOptions.TIME_COLUMN.key());
        int versionIndex = -1;
        if (versionColumn != null) {
            versionIndex = columns.require(versionColumn, TimestreamConnectorOptions.VERSION_COLUMN.key());
            if (columns.type(versionIndex) != ColumnType.INTEGER) {
                throw new IllegalArgumentException(
                        String.format(
                                "Version column '%s' has type %s; use BIGINT or INT (option '%s').",
                                versionColumn,
                                columns.typeName(versionIndex),
                                TimestreamConnectorOptions.VERSION_COLUMN.key()));
            }
        }
        List<Integer> dimensionIndexes =
                columns.keyColumns(
                        dimensions,
                        TimestreamConnectorOptions.DIMENSION_COLUMNS.key(),
                        "dimension",
                        timeIndex,
                        versionIndex);
        List<Integer> measureIndexes = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (i == timeIndex || i == versionIndex || dimensionIndexes.contains(i)) {
                continue;
            }
            if (MeasureType.of(columns.type(i)) == null) {
                throw new IllegalArgumentException(
                        String.format(
                                "Column '%s' has type %s, which Timestream cannot store. Measures "
                                        + "may be BIGINT/INT/SMALLINT/TINYINT, DOUBLE/FLOAT/DECIMAL, "
                                        + "BOOLEAN, STRING or TIMESTAMP; cast the column or leave it "
                                        + "out of the sink table.",
                                columns.name(i), columns.typeName(i)));
            }
            measureIndexes.add(i);
        }
        if (measureIndexes.isEmpty()) {
            throw new IllegalArgumentException(
                    "The sink table has no measure columns: every column is a dimension, the time "
                            + "or the version. Add at least one measure column.");
        }
        return new RecordMapper(
                measureName,
                timeColumn,
                timeIndex,
                columns.type(timeIndex),
                versionIndex,
                dimensionIndexes,
                measureIndexes,
                columns);
    }

    /** Builds the record of one row; {@code field} returns the value at a column position. */
    @Override
    public TimestreamRecord map(IntFunction<Object> field) {
        List<String> problems = new ArrayList<>(2);
        Long time = null;
        Object rawTime = field.apply(timeIndex);
        if (rawTime == null) {
            problems.add("time column '" + timeColumn + "' is null");
        } else {
            time = ColumnType.toEpochMillis(rawTime);
        }
        Long version = null;
        if (versionIndex >= 0) {
            Object rawVersion = field.apply(versionIndex);
            version = rawVersion == null ? null : ((Number) rawVersion).longValue();
        }

        List<String> dimNames = new ArrayList<>(dimensionIndexes.length);
        List<String> dimValues = new ArrayList<>(dimensionIndexes.length);
        for (int i = 0; i < dimensionIndexes.length; i++) {
            String value = dimensionTypes[i].render(field.apply(dimensionIndexes[i]));
            if (value != null) {
                dimNames.add(dimensionNames[i]);
                dimValues.add(value);
            }
        }
        if (dimNames.isEmpty()) {
            problems.add("all dimension columns are null or empty");
        }

        List<Integer> present = new ArrayList<>(measureIndexes.length);
        String[] values = new String[measureIndexes.length];
        for (int i = 0; i < measureIndexes.length; i++) {
            values[i] = measureColumnTypes[i].render(field.apply(measureIndexes[i]));
            if (values[i] != null) {
                present.add(i);
            }
        }
        if (present.isEmpty()) {
            problems.add("all measure columns are null");
        }

        String[] mNames = present.stream().map(i -> measureNames[i]).toArray(String[]::new);
        MeasureType[] mTypes = present.stream().map(i -> measureTypes[i]).toArray(MeasureType[]::new);
        String[] mValues = present.stream().map(i -> values[i]).toArray(String[]::new);
        String[] dNames = dimNames.toArray(new String[0]);
        String[] dValues = dimValues.toArray(new String[0]);

        TimestreamRecord record =
                new TimestreamRecord(
                        measureName,
                        time,
                        version,
                        dNames,
                        dValues,
                        mNames,
                        mTypes,
                        mValues,
                        problems.isEmpty() ? null : String.join("; ", problems));
        if (record.isValid() && record.sizeInBytes() > MAX_RECORD_BYTES) {
            return new TimestreamRecord(
                    measureName,
                    time,
                    version,
                    dNames,
                    truncate(dValues),
                    mNames,
                    mTypes,
                    truncate(mValues),
                    "record of about "
                            + record.sizeInBytes()
                            + " bytes exceeds Timestream's 2 KiB record limit (values truncated "
                            + "here)");
        }
        return record;
    }

    private static String[] truncate(String[] values) {
        return Arrays.stream(values)
                .map(
                        v ->
                                v.length() <= MAX_DEAD_LETTER_VALUE_CHARS
                                        ? v
                                        : v.substring(0, MAX_DEAD_LETTER_VALUE_CHARS) + "...")
                .toArray(String[]::new);
    }

    @Override
    public String toString() {
        return String.format(
                "RecordMapper{measure=%s, time=%s, dimensions=%s, measures=%s}",
                measureName,
                timeColumn,
                Arrays.toString(dimensionNames),
                Arrays.stream(measureNames).collect(Collectors.joining(",", "[", "]")));
    }
}
