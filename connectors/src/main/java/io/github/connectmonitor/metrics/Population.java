package io.github.connectmonitor.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The populations a window's figures are taken over (docs/METRICS.md), and each contact's value in them. A
 * window keeps, per population, how many of its contacts have each value, not the contacts: its state grows
 * with the distinct durations (whole seconds in Connect's CTRs), not with the contacts, which matters for the
 * day-long and rolling views.
 */
public enum Population {
    /** Every queued contact's time in queue: counts, service levels, the longest wait. */
    QUEUE_WAIT,
    /** Handled contacts' handle time. */
    HANDLE,
    /** Handled contacts' time in queue (Connect's queue answer time). */
    ANSWERED_WAIT,
    /** Abandoned contacts' time in queue. */
    ABANDON_WAIT,
    /** Handled contacts that went on hold: their customer hold time. */
    HOLD,
    /** Handled contacts' after-contact work time. */
    AFTER_CONTACT_WORK;

    /** The contact's value in this population, or null when it is not in it. */
    public Double valueOf(ContactRecord contact) {
        switch (this) {
            case QUEUE_WAIT:
                return contact.queueWaitSeconds;
            case HANDLE:
                return contact.handled ? contact.handleSeconds : null;
            case ANSWERED_WAIT:
                return contact.handled ? contact.queueWaitSeconds : null;
            case ABANDON_WAIT:
                return !contact.handled && contact.abandoned ? contact.queueWaitSeconds : null;
            case HOLD:
                return contact.handled && contact.held ? contact.holdSeconds : null;
            default:
                return contact.handled ? contact.afterContactWorkSeconds : null;
        }
    }

    /** Each population's values over {@code contacts}, sorted ascending (indexed by ordinal). */
    public static double[][] sortedValues(Iterable<ContactRecord> contacts) {
        Population[] all = values();
        double[][] result = new double[all.length][];
        for (Population population : all) {
            List<Double> values = new ArrayList<>();
            for (ContactRecord contact : contacts) {
                Double value = population.valueOf(contact);
                if (value != null) {
                    values.add(value);
                }
            }
            double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(array);
            result[population.ordinal()] = array;
        }
        return result;
    }
}
