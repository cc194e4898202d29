package io.github.connectmonitor.influxdb;

/**
 * InfluxDB line protocol ({@code measurement,tag=v field=1i 1700000000000}), the escaping rules
 * of each element, as InfluxDB 1.x, 2.x and 3 parse them:
 *
 * <ul>
 *   <li>measurement: comma and space are escaped with a backslash;
 *   <li>tag keys, tag values and field keys: comma, equals sign and space;
 *   <li>string field values: in double quotes, with double quote and backslash escaped.
 * </ul>
 *
 * <p>A line break ends a point, and no version of the protocol can escape it; a trailing backslash
 * in a name or tag would escape the separator after it. Both are refused here with {@link
 * IllegalArgumentException}, so the caller can dead-letter the point instead of sending a line
 * that InfluxDB would read differently.
 */
public final class LineProtocol {

    private LineProtocol() {}

    public static StringBuilder measurement(StringBuilder line, String name) {
        return escape(line, name, "measurement", false);
    }

    /** A tag key or value, or a field key. */
    public static StringBuilder key(StringBuilder line, String text) {
        return escape(line, text, "tag or field key", true);
    }

    public static StringBuilder tagValue(StringBuilder line, String value) {
        return escape(line, value, "tag value", true);
    }

    public static StringBuilder stringField(StringBuilder line, String value) {
        checkNoLineBreak(value, "string field");
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\');
            }
            line.append(c);
        }
        return line.append('"');
    }

    /** An integer field: {@code 123i}; without the suffix InfluxDB would store a float. */
    public static StringBuilder integerField(StringBuilder line, long value) {
        return line.append(value).append('i');
    }

    /** A float field from its decimal text (as {@code ColumnType.FLOATING} renders it). */
    public static StringBuilder floatField(StringBuilder line, String decimal) {
        return line.append(decimal);
    }

    public static StringBuilder booleanField(StringBuilder line, boolean value) {
        return line.append(value);
    }

    private static StringBuilder escape(StringBuilder line, String text, String what, boolean equalsSign) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        checkNoLineBreak(text, what);
        if (text.charAt(text.length() - 1) == '\\') {
            throw new IllegalArgumentException(what + " '" + text + "' ends with a backslash");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' || c == ' ' || (equalsSign && c == '=')) {
                line.append('\\');
            }
            line.append(c);
        }
        return line;
    }

    private static void checkNoLineBreak(String text, String what) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " contains a line break, which line protocol cannot carry");
        }
    }
}
