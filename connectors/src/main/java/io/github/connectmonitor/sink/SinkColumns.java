package io.github.connectmonitor.sink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The columns of a sink table in row order, as the mappers check them against the options: names,
 * shapes ({@link ColumnType}) and the types' own names for error messages. From a SQL table's
 * physical columns or a DataStream row type; the checks that both stores make the same way (a named
 * column exists, the time column holds a time, a tag/dimension column holds a key) live here, each
 * error naming the column and the option.
 */
public final class SinkColumns {

    private final List<String> names;
    private final List<ColumnType> types;
    private final List<String> typeNames;
    private final List<LogicalType> logicalTypes;

    /**
     * @param typeNames human-readable column types for error messages, in row order
     */
    public SinkColumns(List<String> names, List<ColumnType> types, List<String> typeNames) {
        this(names, types, typeNames, null);
    }

    private SinkColumns(
            List<String> names, List<ColumnType> types, List<String> typeNames, List<LogicalType> logicalTypes) {
        this.names = Collections.unmodifiableList(new ArrayList<>(names));
        this.types = Collections.unmodifiableList(new ArrayList<>(types));
        this.typeNames = Collections.unmodifiableList(new ArrayList<>(typeNames));
        this.logicalTypes = logicalTypes == null ? null : Collections.unmodifiableList(new ArrayList<>(logicalTypes));
    }

    /** The physical columns of a SQL table. */
    public static SinkColumns of(ResolvedSchema schema) {
        List<Column> columns = schema.getColumns().stream().filter(Column::isPhysical).collect(Collectors.toList());
        List<LogicalType> types =
                columns.stream().map(c -> c.getDataType().getLogicalType()).collect(Collectors.toList());
        return new SinkColumns(
                columns.stream().map(Column::getName).collect(Collectors.toList()),
                types.stream().map(ColumnType::of).collect(Collectors.toList()),
                types.stream().map(LogicalType::asSummaryString).collect(Collectors.toList()),
                types);
    }

    /** The fields of a DataStream row type. */
    public static SinkColumns of(RowTypeInfo rowType) {
        List<ColumnType> types = new ArrayList<>();
        List<String> typeNames = new ArrayList<>();
        for (TypeInformation<?> type : rowType.getFieldTypes()) {
            types.add(ColumnType.of(type));
            typeNames.add(type.toString());
        }
        return new SinkColumns(Arrays.asList(rowType.getFieldNames()), types, typeNames);
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return names.get(index);
    }

    public ColumnType type(int index) {
        return types.get(index);
    }

    public String typeName(int index) {
        return typeNames.get(index);
    }

    /** The SQL types in row order, for reading {@code RowData}; only for a SQL table. */
    public List<LogicalType> logicalTypes() {
        if (logicalTypes == null) {
            throw new IllegalStateException("Columns of a DataStream row type have no SQL types");
        }
        return logicalTypes;
    }

    /** The position of a column an option names. */
    public int require(String column, String option) {
        int index = names.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "Column '%s' named by option '%s' is not in the sink table; its columns are %s.",
                            column, option, names));
        }
        return index;
    }

    /** The position of the time column: TIMESTAMP, TIMESTAMP_LTZ or an integer of epoch milliseconds. */
    public int timeColumn(String column, String option) {
        int index = require(column, option);
        ColumnType type = types.get(index);
        if (type != ColumnType.TIMESTAMP && type != ColumnType.INTEGER) {
            throw new IllegalArgumentException(
                    String.format(
                            "Time column '%s' has type %s; use TIMESTAMP, TIMESTAMP_LTZ or BIGINT "
                                    + "epoch milliseconds (option '%s').",
                            column, typeNames.get(index), option));
        }
        return index;
    }

    /**
     * The positions of the key columns (Timestream's dimensions, InfluxDB's tags) an option lists:
     * each in the table, neither the time nor the version column, and a STRING, integer or BOOLEAN.
     *
     * @param kind what the store calls them, singular and lower case: "dimension", "tag"
     * @param versionIndex the version column's position, or -1
     */
    public List<Integer> keyColumns(Set<String> columns, String option, String kind, int timeIndex, int versionIndex) {
        List<Integer> indexes = new ArrayList<>();
        for (String column : columns) {
            int index = require(column, option);
            if (index == timeIndex || index == versionIndex) {
                throw new IllegalArgumentException(
                        String.format(
                                "Column '%s' cannot be both a %s and the time or version column.", column, kind));
            }
            ColumnType type = types.get(index);
            if (type != ColumnType.STRING && type != ColumnType.INTEGER && type != ColumnType.BOOLEAN) {
                throw new IllegalArgumentException(
                        String.format(
                                "%s column '%s' has type %s; %ss must be STRING, an integer type or "
                                        + "BOOLEAN (option '%s').",
                                Character.toUpperCase(kind.charAt(0)) + kind.substring(1),
                                column,
                                typeNames.get(index),
                                kind,
                                option));
            }
            indexes.add(index);
        }
        return indexes;
    }

    /** Splits a comma-separated column list; none for a blank value, blank entries and repeats refused. */
    public static Set<String> parseList(String option, String value) {
        Set<String> columns = new LinkedHashSet<>();
        if (value == null || value.trim().isEmpty()) {
            return columns;
        }
        for (String part : value.split(",")) {
            String column = part.trim();
            if (column.isEmpty() || !columns.add(column)) {
                throw new IllegalArgumentException(
                        String.format("Option '%s' = '%s' has an empty or repeated column name.", option, value));
            }
        }
        return columns;
    }
}
