package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.timestream.ColumnType;
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
 * {@code 'connector' = 'influxdb'}: an insert-only table sink writing each row as one point.
 * Options: {@link InfluxDbConnectorOptions}, documented in connectors/README.md.
 */
public class InfluxDbDynamicTableSinkFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "influxdb";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return new LinkedHashSet<>(InfluxDbConnectorOptions.requiredOptions());
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return new LinkedHashSet<>(InfluxDbConnectorOptions.optionalOptions());
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        String table = context.getObjectIdentifier().asSummaryString();
        if (context.getCatalogTable().isPartitioned()) {
            throw new ValidationException("InfluxDB sink table " + table + " cannot be PARTITIONED BY.");
        }
        ResolvedSchema schema = context.getCatalogTable().getResolvedSchema();
        List<Column> columns =
                schema.getColumns().stream().filter(Column::isPhysical).collect(Collectors.toList());
        List<String> names = columns.stream().map(Column::getName).collect(Collectors.toList());
        List<LogicalType> types =
                columns.stream().map(c -> c.getDataType().getLogicalType()).collect(Collectors.toList());
        try {
            PointMapper mapper =
                    PointMapper.create(
                            names,
                            types.stream().map(ColumnType::of).collect(Collectors.toList()),
                            types.stream().map(LogicalType::asSummaryString).collect(Collectors.toList()),
                            options.get(InfluxDbConnectorOptions.MEASUREMENT),
                            options.get(InfluxDbConnectorOptions.TAG_COLUMNS),
                            options.get(InfluxDbConnectorOptions.TIME_COLUMN),
                            options.get(InfluxDbConnectorOptions.VERSION_COLUMN));
            return new InfluxDbDynamicTableSink(
                    InfluxDbSinkConfig.fromOptions(options),
                    mapper,
                    types,
                    options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Invalid InfluxDB sink table " + table + ": " + e.getMessage(), e);
        }
    }
}
