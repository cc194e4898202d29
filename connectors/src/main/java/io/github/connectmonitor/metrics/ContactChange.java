package io.github.connectmonitor.metrics;

/** Add a contact to one window of one view, or take back a copy that a newer copy replaces. */
public class ContactChange {
    public ContactRecord contact;
    public boolean retract;
    public ContactView view;
    public long windowStart;
    public long windowEnd;
    public long rowTime;

    public ContactChange() {}

    ContactChange(ContactRecord contact, boolean retract, ContactView view, ContactView.Window window) {
        this.contact = contact;
        this.retract = retract;
        this.view = view;
        this.windowStart = window.start;
        this.windowEnd = window.end;
        this.rowTime = window.rowTime;
    }

    /**
     * The window key: instance, queue, the window's row time and end (its size can change between runs) and
     * channel. Never parsed (the window stage keeps the parts in state): a queue id or channel may hold any
     * character, and a crafted one must not crash the job.
     */
    public String windowKey() {
        return contact.instanceId + "/" + contact.queueId + "/" + rowTime + "/" + windowEnd + "/" + contact.channel;
    }
}
