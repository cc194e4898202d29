package io.github.connectmonitor.influxdb;

import org.junit.jupiter.api.Test;

import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineProtocolTest {

    private static String render(BiFunction<StringBuilder, String, StringBuilder> element, String text) {
        return element.apply(new StringBuilder(), text).toString();
    }

    @Test
    void measurementsEscapeCommasAndSpacesButNotEqualsSigns() {
        assertThat(render(LineProtocol::measurement, "queue metrics,v2=x")).isEqualTo("queue\\ metrics\\,v2=x");
    }

    @Test
    void tagKeysTagValuesAndFieldKeysEscapeCommasEqualsSignsAndSpaces() {
        assertThat(render(LineProtocol::key, "queue id,a=b")).isEqualTo("queue\\ id\\,a\\=b");
        assertThat(render(LineProtocol::tagValue, "Sales, EMEA = 1")).isEqualTo("Sales\\,\\ EMEA\\ \\=\\ 1");
    }

    @Test
    void plainTextIsLeftAlone() {
        assertThat(render(LineProtocol::tagValue, "arn:aws:connect:eu-west-1:1/queue/q-1"))
                .isEqualTo("arn:aws:connect:eu-west-1:1/queue/q-1");
        assertThat(render(LineProtocol::tagValue, "Kö \"quoted\"")).isEqualTo("Kö\\ \"quoted\"");
    }

    @Test
    void stringFieldsAreQuotedWithQuotesAndBackslashesEscaped() {
        assertThat(render(LineProtocol::stringField, "say \"hi\" C:\\tmp, a=b"))
                .isEqualTo("\"say \\\"hi\\\" C:\\\\tmp, a=b\"");
    }

    @Test
    void numbersAndBooleansHaveTheirTypeMarkers() {
        assertThat(LineProtocol.integerField(new StringBuilder(), -42).toString()).isEqualTo("-42i");
        assertThat(LineProtocol.floatField(new StringBuilder(), "0.25").toString()).isEqualTo("0.25");
        assertThat(LineProtocol.booleanField(new StringBuilder(), true).toString()).isEqualTo("true");
    }

    @Test
    void lineBreaksCannotBeCarried() {
        assertThatThrownBy(() -> render(LineProtocol::tagValue, "a\nb")).hasMessageContaining("line break");
        assertThatThrownBy(() -> render(LineProtocol::stringField, "a\r\nb")).hasMessageContaining("line break");
        assertThatThrownBy(() -> render(LineProtocol::measurement, "m\n")).hasMessageContaining("line break");
    }

    @Test
    void aTrailingBackslashWouldEscapeTheSeparatorAndIsRefused() {
        assertThatThrownBy(() -> render(LineProtocol::tagValue, "C:\\")).hasMessageContaining("backslash");
        assertThat(render(LineProtocol::tagValue, "a\\b")).isEqualTo("a\\b");
    }

    @Test
    void emptyNamesAreRefused() {
        assertThatThrownBy(() -> render(LineProtocol::key, "")).hasMessageContaining("empty");
    }
}
