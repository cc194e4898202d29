package io.github.connectmonitor.sink;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.FactoryUtil;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the stores' sink tests do alike: SQL tables through the factories, writers, dead-letter files. */
public final class SinkTesting {

    /** The job's agent-state table as either store receives it: keys, time, version, two values. */
    public static final List<Column> AGENT_STATE_COLUMNS =
            Arrays.asList(
                    Column.physical("instance_id", DataTypes.STRING()),
                    Column.physical("queue_id", DataTypes.STRING()),
                    Column.physical("queue_name", DataTypes.STRING()),
                    Column.physical("time", DataTypes.TIMESTAMP(3)),
                    Column.physical("version", DataTypes.BIGINT()),
                    Column.physical("agents_online", DataTypes.BIGINT()),
                    Column.physical("avg_wait", DataTypes.DOUBLE()));

    /** The time dead letters are stamped with in writer tests. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    /** Retries run at once, their delays kept: a writer test is deterministic and fast. */
    public static final class ImmediateRetries implements AbstractSinkWriter.Scheduler {

        private final List<Long> delays = new ArrayList<>();

        @Override
        public void schedule(long delayMillis, Runnable action) {
            delays.add(delayMillis);
            action.run();
        }

        public List<Long> delays() {
            return delays;
        }
    }

    private SinkTesting() {}

    /**
     * The table sink Flink's factory discovery makes of {@code default_catalog.default_database.agent_state}
     * with these columns and {@code WITH} options (including {@code connector}).
     */
    public static DynamicTableSink createTableSink(Map<String, String> options, List<Column> columns) {
        ResolvedSchema schema = ResolvedSchema.of(columns);
        CatalogTable table =
                CatalogTable.newBuilder()
                        .schema(Schema.newBuilder().fromResolvedSchema(schema).build())
                        .options(options)
                        .partitionKeys(Collections.emptyList())
                        .build();
        return FactoryUtil.createDynamicTableSink(
                null,
                ObjectIdentifier.of("default_catalog", "default_database", "agent_state"),
                new ResolvedCatalogTable(table, schema),
                Collections.emptyMap(),
                new Configuration(),
                SinkTesting.class.getClassLoader(),
                false);
    }

    /** The store's config of a table sink made by {@link #createTableSink}. */
    public static <ConfigT extends SinkConfig> ConfigT configOf(DynamicTableSink sink, Class<ConfigT> type) {
        return type.cast(((InsertOnlyTableSink<?, ?>) sink).config());
    }

    @SafeVarargs
    public static <EntryT> void write(SinkWriter<EntryT> writer, EntryT... entries) throws Exception {
        for (EntryT entry : entries) {
            writer.write(entry, null);
        }
    }

    /** The buffered entries of a writer's checkpoint state, after a round trip through the serializer. */
    public static <EntryT extends Serializable> List<EntryT> throughCheckpoint(
            AsyncSinkWriterStateSerializer<EntryT> serializer, BufferedRequestState<EntryT> state) throws IOException {
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(state))
                .getBufferedRequestEntries()
                .stream()
                .map(RequestEntryWrapper::getRequestEntry)
                .collect(Collectors.toList());
    }

    /** The lines of subtask 0's dead-letter file {@code dead-letters-{subtask}.jsonl} in {@code dir}. */
    public static List<String> deadLetters(Path dir) throws Exception {
        Path file = dir.resolve("dead-letters-0.jsonl");
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : Collections.emptyList();
    }

    public static <T extends Throwable> T causeOfType(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("No " + type.getSimpleName() + " in the cause chain of " + error, error);
    }
}
