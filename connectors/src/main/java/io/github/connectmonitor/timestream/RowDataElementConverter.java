package io.github.connectmonitor.timestream;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.List;

/** Table API input: Flink's internal {@link RowData} to a {@link TimestreamRecord}. */
public final class RowDataElementConverter implements ElementConverter<RowData, TimestreamRecord> {

    private static final long serialVersionUID = 1L;

    private final RecordMapper mapper;
    private final RowData.FieldGetter[] getters;

    public RowDataElementConverter(RecordMapper mapper, List<LogicalType> columnTypes) {
        this.mapper = mapper;
        this.getters = new RowData.FieldGetter[columnTypes.size()];
        for (int i = 0; i < getters.length; i++) {
            getters[i] = RowData.createFieldGetter(columnTypes.get(i), i);
        }
    }

    @Override
    public TimestreamRecord apply(RowData row, SinkWriter.Context context) {
        return mapper.map(i -> getters[i].getFieldOrNull(row));
    }
}
