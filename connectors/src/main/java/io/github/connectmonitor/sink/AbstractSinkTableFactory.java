package io.github.connectmonitor.sink;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A store's SQL connector ({@code 'connector' = '<identifier>'}): checks the options against the
 * store's lists (unknown keys, missing required ones, types), refuses partitioned tables, reads the
 * physical columns, and turns the store's IllegalArgumentException into a ValidationException that
 * names the table. The store builds its table sink ({@link InsertOnlyTableSink}) from the options
 * and columns.
 */
public abstract class AbstractSinkTableFactory implements DynamicTableSinkFactory {

    private final String identifier;
    private final String storeName;
    private final List<ConfigOption<?>> requiredOptions;
    private final List<ConfigOption<?>> optionalOptions;

    /** @param storeName the store as messages name it, e.g. "Timestream" */
    protected AbstractSinkTableFactory(
            String identifier,
            String storeName,
            List<ConfigOption<?>> requiredOptions,
            List<ConfigOption<?>> optionalOptions) {
        this.identifier = identifier;
        this.storeName = storeName;
        this.requiredOptions = requiredOptions;
        this.optionalOptions = optionalOptions;
    }

    @Override
    public final String factoryIdentifier() {
        return identifier;
    }

    @Override
    public final Set<ConfigOption<?>> requiredOptions() {
        return new LinkedHashSet<>(requiredOptions);
    }

    @Override
    public final Set<ConfigOption<?>> optionalOptions() {
        return new LinkedHashSet<>(optionalOptions);
    }

    @Override
    public final DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        String table = context.getObjectIdentifier().asSummaryString();
        if (context.getCatalogTable().isPartitioned()) {
            throw new ValidationException(storeName + " sink table " + table + " cannot be PARTITIONED BY.");
        }
        SinkColumns columns = SinkColumns.of(context.getCatalogTable().getResolvedSchema());
        try {
            return createTableSink(options, columns, options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Invalid " + storeName + " sink table " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * The store's table sink; throws IllegalArgumentException naming the option or column that does
     * not fit.
     *
     * @param parallelism {@code sink.parallelism}, or null for the job's
     */
    protected abstract DynamicTableSink createTableSink(
            ReadableConfig options, SinkColumns columns, Integer parallelism);
}
