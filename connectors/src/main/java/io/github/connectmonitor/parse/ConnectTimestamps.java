package io.github.connectmonitor.parse;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Connect timestamps, in the one strict profile of Python's {@code connect_model/timestamps.py}:
 * {@code YYYY-MM-DDThh:mm:ss}, an optional fraction of 1-9 digits (kept to the microsecond), then
 * {@code Z}, {@code ±hh:mm} or nothing (UTC); times from 2000 to 2099 only.
 */
final class ConnectTimestamps {

    private static final Pattern TIMESTAMP = Pattern.compile(
            "([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{1,9}))?"
                    + "(Z|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?");

    static final long EARLIEST_MICROS = micros(LocalDateTime.of(2000, 1, 1, 0, 0));
    static final long LATEST_MICROS = micros(LocalDateTime.of(2100, 1, 1, 0, 0));

    private ConnectTimestamps() {
    }

    private static long micros(LocalDateTime utc) {
        return utc.toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
    }

    /** Microseconds since the epoch, or {@link Rejected} with {@code bad_<field>}. */
    static long parse(String value, String field) throws Rejected {
        Matcher m = TIMESTAMP.matcher(value);
        if (!m.matches()) {
            throw new Rejected("bad_" + field, field + " is not YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]");
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.of(
                    Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
        } catch (DateTimeException e) { // month 13, February 30, hour 24, second 60
            throw new Rejected("bad_" + field, field + " is not a valid time");
        }
        String fraction = m.group(7) == null ? "0" : m.group(7);
        String sixDigits = fraction.length() > 6 ? fraction.substring(0, 6) : fraction + "000000".substring(fraction.length());
        long fractionMicros = Long.parseLong(sixDigits);
        long offsetSeconds = 0;
        if (m.group(9) != null) {
            offsetSeconds = Integer.parseInt(m.group(10)) * 3600L + Integer.parseInt(m.group(11)) * 60L;
            if ("-".equals(m.group(9))) {
                offsetSeconds = -offsetSeconds;
            }
        }
        long result = micros(local) + fractionMicros - offsetSeconds * 1_000_000L;
        if (result < EARLIEST_MICROS || result >= LATEST_MICROS) {
            throw new Rejected("bad_" + field, field + " is outside 2000-2099");
        }
        return result;
    }

    static Long parseOptional(com.fasterxml.jackson.databind.JsonNode value, String field) throws Rejected {
        if (value == null || (value.isTextual() && value.textValue().isEmpty())) {
            return null;
        }
        return parseRequired(value, field);
    }

    static long parseRequired(com.fasterxml.jackson.databind.JsonNode value, String field) throws Rejected {
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new Rejected("bad_" + field, field + " must be an ISO-8601 string");
        }
        return parse(value.textValue(), field);
    }
}
