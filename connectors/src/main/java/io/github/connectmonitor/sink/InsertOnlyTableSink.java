package io.github.connectmonitor.sink;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.ArrayList;
import java.util.List;

/**
 * The planner's view of a sink table, for either store: insert-only, each row mapped by the store's
 * mapper and written by the store's sink with the table's {@code sink.parallelism}. Neither store
 * needs a changelog: Timestream overwrites a point written again with a higher version, InfluxDB
 * one written again with the same tags and time.
 */
public final class InsertOnlyTableSink<EntryT extends SinkEntry, ConfigT extends SinkConfig>
        implements DynamicTableSink {

    /** Builds the store's sink from the table's converter and config, e.g. {@code TimestreamSink::new}. */
    @FunctionalInterface
    public interface SinkBuilder<EntryT extends SinkEntry, ConfigT extends SinkConfig> {
        Sink<RowData> build(ElementConverter<RowData, EntryT> converter, ConfigT config);
    }

    private final String summary;
    private final ConfigT config;
    private final RowMapper<EntryT> mapper;
    private final List<LogicalType> columnTypes;
    private final Integer parallelism;
    private final SinkBuilder<EntryT, ConfigT> sinkBuilder;

    /**
     * @param summary the table sink as EXPLAIN shows it, e.g. "Timestream(db.table)"
     * @param parallelism {@code sink.parallelism}, or null for the job's
     */
    public InsertOnlyTableSink(
            String summary,
            ConfigT config,
            RowMapper<EntryT> mapper,
            List<LogicalType> columnTypes,
            Integer parallelism,
            SinkBuilder<EntryT, ConfigT> sinkBuilder) {
        this.summary = summary;
        this.config = config;
        this.mapper = mapper;
        this.columnTypes = new ArrayList<>(columnTypes);
        this.parallelism = parallelism;
        this.sinkBuilder = sinkBuilder;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        return ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        return SinkV2Provider.of(sinkBuilder.build(new RowDataConverter<>(mapper, columnTypes), config), parallelism);
    }

    @Override
    public DynamicTableSink copy() {
        return new InsertOnlyTableSink<>(summary, config, mapper, columnTypes, parallelism, sinkBuilder);
    }

    @Override
    public String asSummaryString() {
        return summary;
    }

    public ConfigT config() {
        return config;
    }

    public RowMapper<EntryT> mapper() {
        return mapper;
    }
}
