package io.github.connectmonitor.parse;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.Iterator;

/**
 * Typed access to fields of a decoded record, rejecting it with the field's name on a mismatch: the
 * rules (and reason codes) of Python's {@code connect_model/fields.py}, one method for each function there.
 */
final class JsonFields {

    private JsonFields() {
    }

    /** JSON null and a missing key are the same, as {@code dict.get} sees them. */
    static JsonNode get(JsonNode object, String key) {
        JsonNode value = object.get(key);
        return value == null || value.isNull() ? null : value;
    }

    static JsonNode requireObject(JsonNode value, String field) throws Rejected {
        if (value == null || !value.isObject()) {
            throw new Rejected("bad_" + field, field + " must be an object, got " + typeName(value));
        }
        return value;
    }

    static JsonNode optionalObject(JsonNode value, String field) throws Rejected {
        return value == null ? null : requireObject(value, field);
    }

    static String requireStr(JsonNode object, String key) throws Rejected {
        return requireStr(object, key, key);
    }

    static String requireStr(JsonNode object, String key, String field) throws Rejected {
        JsonNode value = get(object, key);
        if (value == null || (value.isTextual() && value.textValue().isEmpty())) {
            throw new Rejected("missing_" + field, field + " is required");
        }
        if (!value.isTextual()) {
            throw new Rejected("bad_" + field, field + " must be a string, got " + typeName(value));
        }
        return unicode(value.textValue(), field);
    }

    static String optionalStr(JsonNode object, String key) throws Rejected {
        return optionalStr(object, key, key);
    }

    static String optionalStr(JsonNode object, String key, String field) throws Rejected {
        JsonNode value = get(object, key);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new Rejected("bad_" + field, field + " must be a string, got " + typeName(value));
        }
        return unicode(value.textValue(), field);
    }

    /** A finite number or null; booleans, NaN and numbers beyond a double are type errors. */
    static Double optionalNumber(JsonNode object, String key) throws Rejected {
        JsonNode value = get(object, key);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw new Rejected("bad_" + key, key + " must be a number, got " + typeName(value));
        }
        double number = value.doubleValue();
        if (!Double.isFinite(number)) {
            throw new Rejected("bad_" + key, key + " must be a finite number");
        }
        return number;
    }

    static Iterator<JsonNode> optionalList(JsonNode object, String key) throws Rejected {
        JsonNode value = get(object, key);
        if (value == null) {
            return Collections.emptyIterator();
        }
        if (!value.isArray()) {
            throw new Rejected("bad_" + key, key + " must be a list, got " + typeName(value));
        }
        return value.elements();
    }

    /**
     * JSON escapes can decode to lone surrogates ({@code "\ud800"}), which no UTF-8 encoder takes: such a
     * string would fail later, far from here (a Timestream request), so reject it now.
     */
    static String unicode(String value, String field) throws Rejected {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new Rejected("bad_" + field, field + " is not valid Unicode: a lone surrogate");
            }
        }
        return value;
    }

    /** Python's names for JSON types, for messages only. */
    static String typeName(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "NoneType";
        }
        if (value.isObject()) {
            return "dict";
        }
        if (value.isArray()) {
            return "list";
        }
        if (value.isTextual()) {
            return "str";
        }
        if (value.isBoolean()) {
            return "bool";
        }
        return value.isIntegralNumber() ? "int" : "float";
    }
}
