package io.github.connectmonitor.influxdb;

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
 * Flink sink that writes points to InfluxDB as line protocol over the v1 write API (InfluxDB 1.x,
 * Timestream for InfluxDB, InfluxDB 3), built on Flink's async-sink base (buffering, batching,
 * back-pressure, at-least-once on checkpoints). See {@link InfluxDbSinkWriter} for delivery,
 * retries and dead letters, and {@link PointMapper} for how columns become tags and fields.
 *
 * <p>Table API: {@code 'connector' = 'influxdb'} ({@link InfluxDbDynamicTableSinkFactory}).
 * DataStream API: {@link #forRows} with the same option keys, or the constructor with an own
 * {@link ElementConverter}.
 */
public class InfluxDbSink<InputT> extends AbstractSink<InputT, InfluxDbPoint> {

    private static final long serialVersionUID = 1L;

    private final InfluxDbSinkConfig config;

    public InfluxDbSink(ElementConverter<InputT, InfluxDbPoint> elementConverter, InfluxDbSinkConfig config) {
        super("InfluxDB", elementConverter, config);
        this.config = config;
    }

    /**
     * A sink for {@link Row}s of the given type, configured with the SQL connector's option keys.
     *
     * @throws IllegalArgumentException naming the option or column that does not fit
     */
    public static InfluxDbSink<Row> forRows(RowTypeInfo rowType, Map<String, String> options) {
        Configuration configuration =
                knownOptions(
                        "InfluxDB",
                        options,
                        InfluxDbConnectorOptions.requiredOptions(),
                        InfluxDbConnectorOptions.optionalOptions());
        PointMapper mapper = PointMapper.fromOptions(SinkColumns.of(rowType), configuration);
        return new InfluxDbSink<>(
                new RowConverter<>(mapper, rowType.getFieldNames()), InfluxDbSinkConfig.fromOptions(configuration));
    }

    public InfluxDbSinkConfig config() {
        return config;
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
