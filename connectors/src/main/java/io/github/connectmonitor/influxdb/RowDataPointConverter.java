package io.github.connectmonitor.influxdb;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.List;

/** Table API input: Flink's internal {@link RowData} to an {@link InfluxDbPoint}. */
public final class RowDataPointConverter implements ElementConverter<RowData, InfluxDbPoint> {

    private static final long serialVersionUID = 1L;

    private final PointMapper mapper;
    private final RowData.FieldGetter[] getters;

    public RowDataPointConverter(PointMapper mapper, List<LogicalType> columnTypes) {
        this.mapper = mapper;
        this.getters = new RowData.FieldGetter[columnTypes.size()];
        for (int i = 0; i < getters.length; i++) {
            getters[i] = RowData.createFieldGetter(columnTypes.get(i), i);
        }
    }

    @Override
    public InfluxDbPoint apply(RowData row, SinkWriter.Context context) {
        return mapper.map(i -> getters[i].getFieldOrNull(row));
    }
}
