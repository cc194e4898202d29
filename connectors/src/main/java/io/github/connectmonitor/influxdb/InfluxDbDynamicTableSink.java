package io.github.connectmonitor.influxdb;

import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.ArrayList;
import java.util.List;

/**
 * The planner's view of an InfluxDB sink table: insert-only. Updates need no changelog here: a
 * point written again with the same tags and time replaces the stored one.
 */
public class InfluxDbDynamicTableSink implements DynamicTableSink {

    private final InfluxDbSinkConfig config;
    private final PointMapper mapper;
    private final List<LogicalType> columnTypes;
    private final Integer parallelism;

    InfluxDbDynamicTableSink(
            InfluxDbSinkConfig config, PointMapper mapper, List<LogicalType> columnTypes, Integer parallelism) {
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
        InfluxDbSink<RowData> sink = new InfluxDbSink<>(new RowDataPointConverter(mapper, columnTypes), config);
        return SinkV2Provider.of(sink, parallelism);
    }

    @Override
    public DynamicTableSink copy() {
        return new InfluxDbDynamicTableSink(config, mapper, columnTypes, parallelism);
    }

    @Override
    public String asSummaryString() {
        return "InfluxDB(" + config.url() + ", db=" + config.database() + ")";
    }

    InfluxDbSinkConfig config() {
        return config;
    }

    PointMapper mapper() {
        return mapper;
    }
}
