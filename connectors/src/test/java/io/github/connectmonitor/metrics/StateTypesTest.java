package io.github.connectmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** State and network types are Flink POJOs: fast, evolvable serializers, never a Kryo fallback. */
class StateTypesTest {

    @Test
    void everyOperatorTypeIsAPojo() {
        for (Class<?> type : new Class<?>[] {
            AgentEvent.class, AgentDelta.class, QueueCounts.class, ContactRecord.class, ContactChange.class
        }) {
            assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        }
    }
}
