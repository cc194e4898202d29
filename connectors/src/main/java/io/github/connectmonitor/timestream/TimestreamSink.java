package io.github.connectmonitor.timestream;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSink.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.types.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
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
public class TimestreamSink<InputT> extends AsyncSinkBase<InputT, TimestreamRecord> {

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
        super(
                elementConverter,
                config.maxBatchSize(),
                config.maxInFlightRequests(),
                config.maxBufferedRequests(),
                config.flushBufferBytes(),
                config.flushBufferTimeoutMillis(),
                config.flushBufferBytes(),
                config.inFlightTimeoutMillis(),
                false);
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
        Configuration configuration = Configuration.fromMap(options);
        checkKnownKeys(options.keySet());
        String[] names = rowType.getFieldNames();
        List<ColumnType> types = new ArrayList<>();
        List<String> typeNames = new ArrayList<>();
        for (TypeInformation<?> type : rowType.getFieldTypes()) {
            types.add(ColumnType.of(type));
            typeNames.add(type.toString());
        }
        RecordMapper mapper =
                RecordMapper.create(
                        Arrays.asList(names),
                        types,
                        typeNames,
                        configuration.get(TimestreamConnectorOptions.MEASURE_NAME),
                        configuration.get(TimestreamConnectorOptions.DIMENSION_COLUMNS),
                        configuration.get(TimestreamConnectorOptions.TIME_COLUMN),
                        configuration.get(TimestreamConnectorOptions.VERSION_COLUMN));
        return new TimestreamSink<>(
                new RowElementConverter(mapper, names), TimestreamSinkConfig.fromOptions(configuration));
    }

    private static void checkKnownKeys(Collection<String> keys) {
        List<String> known = new ArrayList<>();
        TimestreamConnectorOptions.requiredOptions().forEach(o -> known.add(o.key()));
        TimestreamConnectorOptions.optionalOptions().forEach(o -> known.add(o.key()));
        for (String key : keys) {
            if (!known.contains(key) && !key.equals("connector")) {
                throw new IllegalArgumentException(
                        "Unknown Timestream sink option '" + key + "'; supported: " + known);
            }
        }
    }

    public TimestreamSinkConfig config() {
        return config;
    }

    ElementConverter<InputT, TimestreamRecord> elementConverter() {
        return getElementConverter();
    }

    /** Flink 1.19+ creates writers through {@link #createWriter(WriterInitContext)}. */
    @Override
    @Deprecated
    public StatefulSinkWriter<InputT, BufferedRequestState<TimestreamRecord>> createWriter(
            Sink.InitContext context) {
        throw new UnsupportedOperationException(
                "The Timestream sink needs Flink 1.19 or newer (createWriter(WriterInitContext)).");
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<TimestreamRecord>> createWriter(
            WriterInitContext context) {
        return restoreWriter(context, Collections.emptyList());
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
