package io.github.connectmonitor.timestream;

import org.apache.flink.configuration.Configuration;

import java.util.HashMap;
import java.util.Map;

/** Option maps for tests: a valid base that each test adjusts. */
final class TestOptions {

    private TestOptions() {}

    static Map<String, String> base() {
        Map<String, String> options = new HashMap<>();
        options.put("database", "connect");
        options.put("table", "queue_metrics");
        options.put("region", "eu-west-1");
        options.put("measure.name", "queue");
        options.put("dimension.columns", "instance_id,queue_id");
        options.put("time.column", "time");
        options.put("version.column", "version");
        return options;
    }

    static TimestreamSinkConfig config(Map<String, String> options) {
        return TimestreamSinkConfig.fromOptions(Configuration.fromMap(options));
    }

    static TimestreamSinkConfig config() {
        return config(base());
    }
}
