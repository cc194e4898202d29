package io.github.connectmonitor.sink;

import java.io.Serializable;
import java.util.function.IntFunction;

/** Builds a store's entry from one row, built once per sink from the table's columns. */
@FunctionalInterface
public interface RowMapper<EntryT extends SinkEntry> extends Serializable {

    /** The entry of one row; {@code field} returns the value at a column position. */
    EntryT map(IntFunction<Object> field);
}
