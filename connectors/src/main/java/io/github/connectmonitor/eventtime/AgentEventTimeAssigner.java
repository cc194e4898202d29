package io.github.connectmonitor.eventtime;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;
import org.apache.flink.streaming.api.functions.AssignerWithPeriodicWatermarks;
import org.apache.flink.streaming.api.watermark.Watermark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Event time of raw Connect stream records, for the Kinesis consumer's per-shard watermarks.
 *
 * <p>The consumer clones this assigner for every shard, so a shard that is read ahead of another
 * (a catch-up after downtime, a replay from TRIM_HORIZON) cannot make the other's records late: the
 * watermark is the minimum over shards. Only agent events ({@code EventTimestamp}) move the
 * watermark; CTRs arrive minutes after their contact ended and are timed on their own branch, and
 * junk has no time at all: both get the newest agent-event time seen so far.
 *
 * <p>A shard without agent events must not hold the watermark back forever (a shard no agent hashes to, at
 * night, or a new one after a reshard; CTRs and contact events reach every shard, so the connector's own
 * idle rule, which needs no records at all, does not see it): once {@code idleAfterMillis} of wall-clock
 * time pass without an agent event on the shard, the assigner has no opinion ({@code null}), and the
 * consumer leaves the shard out of the minimum until its next agent event. Agents send a heartbeat every
 * 120 s, so a shard with anyone logged in keeps its say with the default.
 *
 * <p>A shard not read yet has no say either (the consumer counts only shards that have emitted a record), so the
 * clones the consumer makes of one assigner form a {@link ShardGroup}: while one of them has read nothing, and
 * for at most {@code idleAfterMillis}, they all hold the watermark back (catch-up from TRIM_HORIZON, new shards
 * after a reshard). An assigner built directly, not cloned, belongs to no group.
 */
public class AgentEventTimeAssigner implements AssignerWithPeriodicWatermarks<String> {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();
    /** Same bound as the job's parse step (future_timestamp dead letters) and Timestream's own. */
    static final long MAX_FUTURE_MILLIS = 15 * 60 * 1000L;

    /** A clock that can be set in tests (the consumer clones the assigner, so it must be serializable). */
    public interface Clock extends java.io.Serializable {
        long millis();
    }

    private static final Clock WALL_CLOCK = System::currentTimeMillis;

    private final long outOfOrdernessMillis;
    private final long idleAfterMillis;
    private final Clock clock;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastAgentEventAt = Long.MIN_VALUE;
    /** The group of the clones made from this instance (one per consumer subtask and attempt). */
    private transient String clonesGroup;
    /** This clone's group (null if not cloned), when it joined, whether it has read a record. */
    private transient ShardGroup group;
    private transient long joinedAt;
    private transient volatile boolean read;

    public AgentEventTimeAssigner(long outOfOrdernessMillis) {
        this(outOfOrdernessMillis, Long.MAX_VALUE, WALL_CLOCK);
    }

    public AgentEventTimeAssigner(long outOfOrdernessMillis, long idleAfterMillis) {
        this(outOfOrdernessMillis, idleAfterMillis, WALL_CLOCK);
    }

    public AgentEventTimeAssigner(long outOfOrdernessMillis, long idleAfterMillis, Clock clock) {
        if (outOfOrdernessMillis < 0) {
            throw new IllegalArgumentException("outOfOrdernessMillis must be >= 0, got " + outOfOrdernessMillis);
        }
        if (idleAfterMillis <= 0) {
            throw new IllegalArgumentException("idleAfterMillis must be > 0, got " + idleAfterMillis);
        }
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.idleAfterMillis = idleAfterMillis;
        this.clock = clock;
    }

    @Override
    public long extractTimestamp(String record, long previousElementTimestamp) {
        long now = clock.millis();
        read = true;
        if (lastAgentEventAt == Long.MIN_VALUE) {
            lastAgentEventAt = now; // the shard's idle time counts from its first record
        }
        long timestamp = agentEventTimestamp(record, now);
        if (timestamp == Long.MIN_VALUE) {
            return maxTimestamp == Long.MIN_VALUE ? 0L : maxTimestamp;
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        lastAgentEventAt = now;
        return timestamp;
    }

    /**
     * Before its first agent event a shard holds the watermark back (rather than returning null, which the
     * consumer reads as "no opinion" and would let another shard's time run ahead) — until it has been
     * without an agent event for {@code idleAfterMillis}.
     */
    @Override
    public Watermark getCurrentWatermark() {
        if (lastAgentEventAt != Long.MIN_VALUE && clock.millis() - lastAgentEventAt > idleAfterMillis) {
            return null; // idle: the other shards decide
        }
        if (group != null && group.holds(clock.millis(), idleAfterMillis)) {
            return new Watermark(Long.MIN_VALUE); // a shard of this subtask has not been read yet
        }
        return new Watermark(maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - outOfOrdernessMillis);
    }

    boolean hasRead() {
        return read;
    }

    long joinedAtMillis() {
        return joinedAt;
    }

    /**
     * The consumer clones its assigner by serializing it, once per shard: the clones of one instance share a
     * group named by that instance (made fresh in each task, so attempts and subtasks never share one).
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        if (clonesGroup == null) {
            clonesGroup = UUID.randomUUID().toString();
        }
        out.writeUTF(clonesGroup);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        group = ShardGroup.named(in.readUTF());
        joinedAt = clock.millis();
        group.join(this);
    }

    /**
     * The same event time for sources on Flink's new Source API (files for replay): a single ordered
     * split per file, so the usual bounded-out-of-orderness strategy applies.
     */
    public static WatermarkStrategy<String> watermarkStrategy(long outOfOrdernessMillis) {
        return WatermarkStrategy.<String>forBoundedOutOfOrderness(Duration.ofMillis(outOfOrdernessMillis))
                .withTimestampAssigner(new NewestAgentEventTime());
    }

    /** Per-split timestamp assigner with the same rule for records that are not agent events. */
    private static final class NewestAgentEventTime implements SerializableTimestampAssigner<String> {
        private static final long serialVersionUID = 1L;
        private long newest = 0L;

        @Override
        public long extractTimestamp(String record, long recordTimestamp) {
            long timestamp = agentEventTimestamp(record, System.currentTimeMillis());
            if (timestamp == Long.MIN_VALUE) {
                return newest;
            }
            newest = Math.max(newest, timestamp);
            return timestamp;
        }
    }

    /**
     * Epoch millis of a top-level {@code EventTimestamp}, or {@code Long.MIN_VALUE} if there is none or
     * it is more than 15 minutes after {@code nowMillis}: one event from a wrong clock must not drag
     * the watermark (and every window after it) into the future; the parse step dead-letters it.
     */
    static long agentEventTimestamp(String record, long nowMillis) {
        long timestamp = agentEventTimestamp(record);
        return timestamp > nowMillis + MAX_FUTURE_MILLIS ? Long.MIN_VALUE : timestamp;
    }

    /** Epoch millis of a top-level {@code EventTimestamp}, or {@code Long.MIN_VALUE} if there is none. */
    static long agentEventTimestamp(String record) {
        if (record == null || record.indexOf("EventTimestamp") < 0) {
            return Long.MIN_VALUE;
        }
        try (JsonParser parser = JSON.createParser(record)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Long.MIN_VALUE;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.getCurrentName();
                JsonToken value = parser.nextToken();
                if ("EventTimestamp".equals(field) && value == JsonToken.VALUE_STRING) {
                    return Instant.parse(parser.getText()).toEpochMilli();
                }
                parser.skipChildren();
            }
        } catch (IOException | DateTimeParseException e) {
            // Not JSON or not a timestamp: the job's parser dead-letters it with the reason.
        }
        return Long.MIN_VALUE;
    }
}
