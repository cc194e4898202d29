package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.AbstractSink;
import io.github.connectmonitor.sink.RowConverter;
import io.github.connectmonitor.sink.SinkColumns;
import org.apache.flink.api.connector.sink2.StatefulSink.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.types.Row;

import java.util.Collection;
import java.util.Map;

/**
 * Flink sink that writes multi-measure records to Amazon Timestream for LiveAnalytics, built on
 * Flink's async-sink base (buffering, batching, back-pressure, at-least-once on checkpoints). See
 * {@link TimestreamSinkWriter} for delivery, retries and dead letters.
 *
 * <p>Table API: {@code 'connector' = 'timestream'} ({@link TimestreamDynamicTableSinkFactory}).
 * DataStream API: {@link #forRows} with the same option keys, or the constructor with an own
 * {@link ElementConverter}.
 */
public class TimestreamSink<InputT> extends AbstractSink<InputT, TimestreamRecord> {

    private static final long serialVersionUID = 1L;

    private final TimestreamSinkConfig config;
    private final TimestreamClientProvider clientProvider;

    public TimestreamSink(
            ElementConverter<InputT, TimestreamRecord> elementConverter, TimestreamSinkConfig config) {
        this(elementConverter, config, DefaultTimestreamClientProvider.INSTANCE);
    }

    TimestreamSink(
            ElementConverter<InputT, TimestreamRecord> elementConverter,
            TimestreamSinkConfig config,
            TimestreamClientProvider clientProvider) {
        super("Timestream", elementConverter, config);
        this.config = config;
        this.clientProvider = clientProvider;
    }

    /**
     * A sink for {@link Row}s of the given type, configured with the SQL connector's option keys
     * (see connectors/README.md). Used by the Python shim through py4j; works from Java as well.
     *
     * @throws IllegalArgumentException naming the option or column that does not fit
     */
    public static TimestreamSink<Row> forRows(RowTypeInfo rowType, Map<String, String> options) {
        Configuration configuration =
                knownOptions(
                        "Timestream",
                        options,
                        TimestreamConnectorOptions.requiredOptions(),
                        TimestreamConnectorOptions.optionalOptions());
        RecordMapper mapper = RecordMapper.fromOptions(SinkColumns.of(rowType), configuration);
        return new TimestreamSink<>(
                new RowConverter<>(mapper, rowType.getFieldNames()), TimestreamSinkConfig.fromOptions(configuration));
    }

    public TimestreamSinkConfig config() {
        return config;
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<TimestreamRecord>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<TimestreamRecord>> states) {
        return new TimestreamSinkWriter<>(
                getElementConverter(), context, config, states, clientProvider.create(config));
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<TimestreamRecord>>
            getWriterStateSerializer() {
        return new TimestreamRecordStateSerializer();
    }
}
