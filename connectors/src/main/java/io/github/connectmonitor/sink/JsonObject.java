package io.github.connectmonitor.sink;

import io.github.connectmonitor.JsonLinesFile;

/**
 * A JSON object written member by member, in order, for the dead letters: strings quoted as
 * {@link JsonLinesFile#quote} does, numbers as they print, null as {@code null}. No spaces, so a
 * dead letter stays one line.
 */
public final class JsonObject {

    private final StringBuilder json = new StringBuilder(128).append('{');
    private boolean empty = true;

    public JsonObject string(String name, String value) {
        name(name);
        if (value == null) {
            json.append("null");
        } else {
            JsonLinesFile.quote(json, value);
        }
        return this;
    }

    public JsonObject number(String name, Number value) {
        name(name).append(value);
        return this;
    }

    public JsonObject object(String name, JsonObject value) {
        name(name).append(value);
        return this;
    }

    /** The members of {@code other}, after this object's. */
    public JsonObject members(JsonObject other) {
        if (!other.empty) {
            if (!empty) {
                json.append(',');
            }
            json.append(other.json, 1, other.json.length());
            empty = false;
        }
        return this;
    }

    private StringBuilder name(String name) {
        if (!empty) {
            json.append(',');
        }
        empty = false;
        return JsonLinesFile.quote(json, name).append(':');
    }

    @Override
    public String toString() {
        return json + "}";
    }
}
