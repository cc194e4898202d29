package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.AbstractSinkTableFactory;
import io.github.connectmonitor.sink.InsertOnlyTableSink;
import io.github.connectmonitor.sink.SinkColumns;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.sink.DynamicTableSink;

/**
 * {@code 'connector' = 'timestream'}: an insert-only table sink writing each row as one
 * multi-measure record (Timestream has no deletes; a version column makes re-inserting a point with
 * a higher version overwrite it). Options: {@link TimestreamConnectorOptions}, documented in
 * connectors/README.md.
 */
public class TimestreamDynamicTableSinkFactory extends AbstractSinkTableFactory {

    public static final String IDENTIFIER = "timestream";

    public TimestreamDynamicTableSinkFactory() {
        super(
                IDENTIFIER,
                "Timestream",
                TimestreamConnectorOptions.requiredOptions(),
                TimestreamConnectorOptions.optionalOptions());
    }

    @Override
    protected DynamicTableSink createTableSink(ReadableConfig options, SinkColumns columns, Integer parallelism) {
        RecordMapper mapper = RecordMapper.fromOptions(columns, options);
        TimestreamSinkConfig config = TimestreamSinkConfig.fromOptions(options);
        return new InsertOnlyTableSink<>(
                "Timestream(" + config.database() + "." + config.table() + ")",
                config,
                mapper,
                columns.logicalTypes(),
                parallelism,
                TimestreamSink::new);
    }
}
