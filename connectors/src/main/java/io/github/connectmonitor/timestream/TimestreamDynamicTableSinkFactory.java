package io.github.connectmonitor.timestream;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code 'connector' = 'timestream'}: an insert-only table sink writing each row as one
 * multi-measure record. Options: {@link TimestreamConnectorOptions}, documented in
 * connectors/README.md.
 */
public class TimestreamDynamicTableSinkFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "timestream";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return new LinkedHashSet<>(TimestreamConnectorOptions.requiredOptions());
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return new LinkedHashSet<>(TimestreamConnectorOptions.optionalOptions());
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        String table = context.getObjectIdentifier().asSummaryString();
        if (context.getCatalogTable().isPartitioned()) {
            throw new ValidationException(
                    "Timestream sink table " + table + " cannot be PARTITIONED BY.");
        }
        ResolvedSchema schema = context.getCatalogTable().getResolvedSchema();
        List<Column> columns =
                schema.getColumns().stream().filter(Column::isPhysical).collect(Collectors.toList());
        List<String> names = columns.stream().map(Column::getName).collect(Collectors.toList());
        List<LogicalType> types =
                columns.stream()
                        .map(c -> c.getDataType().getLogicalType())
                        .collect(Collectors.toList());
        try {
            RecordMapper mapper =
                    RecordMapper.create(
                            names,
                            types.stream().map(ColumnType::of).collect(Collectors.toList()),
                            types.stream().map(LogicalType::asSummaryString).collect(Collectors.toList()),
                            options.get(TimestreamConnectorOptions.MEASURE_NAME),
                            options.get(TimestreamConnectorOptions.DIMENSION_COLUMNS),
                            options.get(TimestreamConnectorOptions.TIME_COLUMN),
                            options.get(TimestreamConnectorOptions.VERSION_COLUMN));
            return new TimestreamDynamicTableSink(
                    TimestreamSinkConfig.fromOptions(options),
                    mapper,
                    types,
                    options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Invalid Timestream sink table " + table + ": " + e.getMessage(), e);
        }
    }
}
