package dev.tta.obs.domain.query;

/**
 * A trace's status as the list shows it: {@code ERROR} when any span failed, else {@code OK} when
 * some span was explicitly marked ok, else {@code UNSET}.
 */
public enum TraceStatusFilter {
    ERROR, OK, UNSET
}
