package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.timestream.ColumnType;
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
 * Flink sink that writes points to InfluxDB as line protocol over the v1 write API (InfluxDB 1.x,
 * Timestream for InfluxDB, InfluxDB 3), built on Flink's async-sink base (buffering, batching,
 * back-pressure, at-least-once on checkpoints). See {@link InfluxDbSinkWriter} for delivery,
 * retries and dead letters, and {@link PointMapper} for how columns become tags and fields.
 *
 * <p>Table API: {@code 'connector' = 'influxdb'} ({@link InfluxDbDynamicTableSinkFactory}).
 * DataStream API: {@link #forRows} with the same option keys, or the constructor with an own
 * {@link ElementConverter}.
 */
public class InfluxDbSink<InputT> extends AsyncSinkBase<InputT, InfluxDbPoint> {

    private static final long serialVersionUID = 1L;

    private final InfluxDbSinkConfig config;

    public InfluxDbSink(ElementConverter<InputT, InfluxDbPoint> elementConverter, InfluxDbSinkConfig config) {
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
    }

    /**
     * A sink for {@link Row}s of the given type, configured with the SQL connector's option keys.
     *
     * @throws IllegalArgumentException naming the option or column that does not fit
     */
    public static InfluxDbSink<Row> forRows(RowTypeInfo rowType, Map<String, String> options) {
        Configuration configuration = Configuration.fromMap(options);
        checkKnownKeys(options.keySet());
        String[] names = rowType.getFieldNames();
        List<ColumnType> types = new ArrayList<>();
        List<String> typeNames = new ArrayList<>();
        for (TypeInformation<?> type : rowType.getFieldTypes()) {
            types.add(ColumnType.of(type));
            typeNames.add(type.toString());
        }
        PointMapper mapper =
                PointMapper.create(
                        Arrays.asList(names),
                        types,
                        typeNames,
                        configuration.get(InfluxDbConnectorOptions.MEASUREMENT),
                        configuration.get(InfluxDbConnectorOptions.TAG_COLUMNS),
                        configuration.get(InfluxDbConnectorOptions.TIME_COLUMN),
                        configuration.get(InfluxDbConnectorOptions.VERSION_COLUMN));
        return new InfluxDbSink<>(
                new RowPointConverter(mapper, names), InfluxDbSinkConfig.fromOptions(configuration));
    }

    private static void checkKnownKeys(Collection<String> keys) {
        List<String> known = new ArrayList<>();
        InfluxDbConnectorOptions.requiredOptions().forEach(o -> known.add(o.key()));
        InfluxDbConnectorOptions.optionalOptions().forEach(o -> known.add(o.key()));
        for (String key : keys) {
            if (!known.contains(key) && !key.equals("connector")) {
                throw new IllegalArgumentException(
                        "Unknown InfluxDB sink option '" + key + "'; supported: " + known);
            }
        }
    }

    public InfluxDbSinkConfig config() {
        return config;
    }

    ElementConverter<InputT, InfluxDbPoint> elementConverter() {
        return getElementConverter();
    }

    /** Flink 1.19+ creates writers through {@link #createWriter(WriterInitContext)}. */
    @Override
    @Deprecated
    public StatefulSinkWriter<InputT, BufferedRequestState<InfluxDbPoint>> createWriter(Sink.InitContext context) {
        throw new UnsupportedOperationException(
                "The InfluxDB sink needs Flink 1.19 or newer (createWriter(WriterInitContext)).");
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<InfluxDbPoint>> createWriter(WriterInitContext context) {
        return restoreWriter(context, Collections.emptyList());
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<InfluxDbPoint>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<InfluxDbPoint>> states) {
        return new InfluxDbSinkWriter<>(getElementConverter(), context, config, states);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<InfluxDbPoint>> getWriterStateSerializer() {
        return new InfluxDbPointStateSerializer();
    }
}
