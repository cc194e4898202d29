package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.AbstractSinkTableFactory;
import io.github.connectmonitor.sink.InsertOnlyTableSink;
import io.github.connectmonitor.sink.SinkColumns;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.sink.DynamicTableSink;

/**
 * {@code 'connector' = 'influxdb'}: an insert-only table sink writing each row as one point (a point
 * written again with the same tags and time replaces the stored one, so updates need no
 * changelog). Options: {@link InfluxDbConnectorOptions}, documented in connectors/README.md.
 */
public class InfluxDbDynamicTableSinkFactory extends AbstractSinkTableFactory {

    public static final String IDENTIFIER = "influxdb";

    public InfluxDbDynamicTableSinkFactory() {
        super(
                IDENTIFIER,
                "InfluxDB",
                InfluxDbConnectorOptions.requiredOptions(),
                InfluxDbConnectorOptions.optionalOptions());
    }

    @Override
    protected DynamicTableSink createTableSink(ReadableConfig options, SinkColumns columns, Integer parallelism) {
        PointMapper mapper = PointMapper.fromOptions(columns, options);
        InfluxDbSinkConfig config = InfluxDbSinkConfig.fromOptions(options);
        return new InsertOnlyTableSink<>(
                "InfluxDB(" + config.url() + ", db=" + config.database() + ")",
                config,
                mapper,
                columns.logicalTypes(),
                parallelism,
                InfluxDbSink::new);
    }
}
