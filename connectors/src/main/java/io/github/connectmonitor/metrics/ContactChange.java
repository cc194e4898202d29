package io.github.connectmonitor.metrics;

/** Add a contact to its window, or take back a copy that a newer copy replaces. */
public class ContactChange {
    public ContactRecord contact;
    public boolean retract;
    public long windowStart;
    public long windowEnd;

    public ContactChange() {}

    ContactChange(ContactRecord contact, boolean retract, long windowStart, long windowEnd) {
        this.contact = contact;
        this.retract = retract;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    /** The window key: instance, queue, channel and the window's end (its size can change between runs). */
    public String windowKey() {
        return contact.instanceId + "|" + contact.queueId + "|" + contact.channel + "|" + windowEnd;
    }
}
