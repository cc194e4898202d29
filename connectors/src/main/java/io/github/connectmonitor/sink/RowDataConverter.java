package io.github.connectmonitor.sink;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.List;

/** Table API input: Flink's internal {@link RowData} to a store's entry. */
public final class RowDataConverter<EntryT extends SinkEntry> implements ElementConverter<RowData, EntryT> {

    private static final long serialVersionUID = 1L;

    private final RowMapper<EntryT> mapper;
    private final RowData.FieldGetter[] getters;

    public RowDataConverter(RowMapper<EntryT> mapper, List<LogicalType> columnTypes) {
        this.mapper = mapper;
        this.getters = new RowData.FieldGetter[columnTypes.size()];
        for (int i = 0; i < getters.length; i++) {
            getters[i] = RowData.createFieldGetter(columnTypes.get(i), i);
        }
    }

    @Override
    public EntryT apply(RowData row, SinkWriter.Context context) {
        return mapper.map(i -> getters[i].getFieldOrNull(row));
    }
}
