package io.github.connectmonitor.timestream;

import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.ArrayList;
import java.util.List;

/**
 * The planner's view of a Timestream sink table: insert-only (Timestream has no deletes; use a
 * version column so that re-inserting a point with a higher version overwrites it).
 */
public class TimestreamDynamicTableSink implements DynamicTableSink {

    private final TimestreamSinkConfig config;
    private final RecordMapper mapper;
    private final List<LogicalType> columnTypes;
    private final Integer parallelism;

    TimestreamDynamicTableSink(
            TimestreamSinkConfig config,
            RecordMapper mapper,
            List<LogicalType> columnTypes,
            Integer parallelism) {
        this.config = config;
        this.mapper = mapper;
        this.columnTypes = new ArrayList<>(columnTypes);
        this.parallelism = parallelism;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        return ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        TimestreamSink<RowData> sink =
                new TimestreamSink<>(new RowDataElementConverter(mapper, columnTypes), config);
        return SinkV2Provider.of(sink, parallelism);
    }

    @Override
    public DynamicTableSink copy() {
        return new TimestreamDynamicTableSink(config, mapper, columnTypes, parallelism);
    }

    @Override
    public String asSummaryString() {
        return "Timestream(" + config.database() + "." + config.table() + ")";
    }

    TimestreamSinkConfig config() {
        return config;
    }

    RecordMapper mapper() {
        return mapper;
    }
}
