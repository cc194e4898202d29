package io.github.connectmonitor.sink;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSink.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A store's Flink sink on the async-sink base, set up from its {@link SinkConfig}: batch size,
 * in-flight requests, buffer size and time, and the in-flight time limit that covers every retry.
 * A store implements {@link #restoreWriter}.
 */
public abstract class AbstractSink<InputT, EntryT extends SinkEntry> extends AsyncSinkBase<InputT, EntryT> {

    private static final long serialVersionUID = 1L;

    private final String storeName;

    /** @param storeName the store as messages name it, e.g. "Timestream" */
    protected AbstractSink(String storeName, ElementConverter<InputT, EntryT> elementConverter, SinkConfig config) {
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
        this.storeName = storeName;
    }

    /**
     * The options of a DataStream sink ({@code forRows}) as a configuration, refusing keys that
     * neither list declares (a typo would otherwise be ignored), as the SQL factory does; {@code
     * connector} is allowed, so the SQL options can be passed as they are.
     */
    protected static Configuration knownOptions(
            String storeName,
            Map<String, String> options,
            List<ConfigOption<?>> required,
            List<ConfigOption<?>> optional) {
        Configuration configuration = Configuration.fromMap(options);
        List<String> known = new ArrayList<>();
        required.forEach(o -> known.add(o.key()));
        optional.forEach(o -> known.add(o.key()));
        for (String key : options.keySet()) {
            if (!known.contains(key) && !key.equals("connector")) {
                throw new IllegalArgumentException(
                        "Unknown " + storeName + " sink option '" + key + "'; supported: " + known);
            }
        }
        return configuration;
    }

    /** The converter rows go through, for tests and tools that map a row as the sink would. */
    public ElementConverter<InputT, EntryT> elementConverter() {
        return getElementConverter();
    }

    /** Flink 1.19+ creates writers through {@link #createWriter(WriterInitContext)}. */
    @Override
    @Deprecated
    public final StatefulSinkWriter<InputT, BufferedRequestState<EntryT>> createWriter(Sink.InitContext context) {
        throw new UnsupportedOperationException(
                "The " + storeName + " sink needs Flink 1.19 or newer (createWriter(WriterInitContext)).");
    }

    @Override
    public final StatefulSinkWriter<InputT, BufferedRequestState<EntryT>> createWriter(WriterInitContext context) {
        return restoreWriter(context, Collections.emptyList());
    }

    /** The store's writer, with the entries a checkpoint held (none for a new writer). */
    @Override
    public abstract StatefulSinkWriter<InputT, BufferedRequestState<EntryT>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<EntryT>> states);
}
