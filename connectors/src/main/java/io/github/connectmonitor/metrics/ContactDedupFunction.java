package io.github.connectmonitor.metrics;

import io.github.connectmonitor.ManagedFlinkMetrics;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.time.ZoneId;

/**
 * Stage 1 of the contact metrics, keyed by contact: keeps the best copy of each CTR (the highest
 * {@code LastUpdateTimestamp}; an equal one is a duplicate) and tells the window stages of every
 * {@link ContactView} to take back the copy it replaces and add the new one. Only a queued contact
 * ({@link ContactRecord#counts}) goes to the windows.
 *
 * <p>CTRs reach the stream minutes after their contact, so they are not held to the agent-event
 * watermark on arrival; the watermark only says when a window is final: a copy whose window (or
 * whose predecessor's window) ended more than {@code allowed_lateness} before the watermark goes to
 * the dead letters as {@code too_late}, for every view (a contact counts in all views or in none). The
 * best copy is kept until the watermark passes
 * {@code DisconnectTimestamp + dedup_ttl} (at least window + allowed lateness, so a re-delivery that
 * may still change a window always finds its predecessor).
 */
public class ContactDedupFunction extends KeyedProcessFunction<String, ContactRecord, ContactChange> {

    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    private final long allowedLatenessMillis;
    private final long ttlMillis;
    private final long rollingMillis;
    private final String zoneId;
    private transient ZoneId zone;

    private transient ValueState<ContactRecord> best;
    private transient Counter duplicates;
    private transient Counter late;

    public ContactDedupFunction(
            long windowMillis, long allowedLatenessMillis, long ttlMillis, long rollingMillis, String zoneId) {
        if (ttlMillis < windowMillis + allowedLatenessMillis) {
            throw new IllegalArgumentException("contact.dedup_ttl must be at least contact.window + allowed_lateness");
        }
        if (rollingMillis <= 0 || rollingMillis % windowMillis != 0) {
            throw new IllegalArgumentException("contact.rolling must be a positive multiple of contact.window");
        }
        ZoneId.of(zoneId); // fails at build time, not in a running job
        this.windowMillis = windowMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.ttlMillis = ttlMillis;
        this.rollingMillis = rollingMillis;
        this.zoneId = zoneId;
    }

    @Override
    public void open(Configuration parameters) {
        zone = ZoneId.of(zoneId);
        best = getRuntimeContext().getState(new ValueStateDescriptor<>("best", TypeInformation.of(ContactRecord.class)));
        org.apache.flink.metrics.MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(ManagedFlinkMetrics.GROUP);
        duplicates = metrics.counter("ctrDuplicates");
        late = metrics.counter("ctrsTooLate");
    }

    public static long windowStart(long disconnectTime, long windowMillis) {
        return Math.floorDiv(disconnectTime, windowMillis) * windowMillis;
    }

    private boolean closed(ContactRecord contact, long watermark) {
        long end = windowStart(contact.disconnectTime, windowMillis) + windowMillis;
        return contact.counts() && end + allowedLatenessMillis - 1 <= watermark;
    }

    @Override
    public void processElement(ContactRecord contact, Context ctx, Collector<ContactChange> out) throws Exception {
        ContactRecord previous = best.value();
        if (previous != null && contact.lastUpdateTime <= previous.lastUpdateTime) {
            duplicates.inc();
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (closed(contact, watermark) || (previous != null && closed(previous, watermark))) {
            late.inc();
            ctx.output(DeadLetters.TAG, DeadLetters.of(DeadLetters.TOO_LATE, DeadLetters.describe("ctr",
                    "InstanceId", contact.instanceId, "ContactId", contact.contactId,
                    "DisconnectTimestamp", Instant.ofEpochMilli(contact.disconnectTime).toString(),
                    "LastUpdateTimestamp", Instant.ofEpochMilli(contact.lastUpdateTime).toString())));
            return;
        }
        if (previous != null && previous.counts()) {
            emitChanges(previous, true, out);
        }
        if (contact.counts()) {
            emitChanges(contact, false, out);
        }
        best.update(contact);
        ctx.timerService().registerEventTimeTimer(contact.disconnectTime + ttlMillis - 1);
    }

    private void emitChanges(ContactRecord contact, boolean retract, Collector<ContactChange> out) {
        for (ContactView view : ContactView.values()) {
            for (ContactView.Window window : view.windows(contact.disconnectTime, windowMillis, rollingMillis, zone)) {
                out.collect(new ContactChange(contact, retract, view, window));
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ContactChange> out) throws Exception {
        ContactRecord current = best.value();
        if (current != null && current.disconnectTime + ttlMillis - 1 <= timestamp) {
            best.clear();
        }
    }
}
