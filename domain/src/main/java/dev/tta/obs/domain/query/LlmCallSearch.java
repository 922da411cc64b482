package dev.tta.obs.domain.query;

import dev.tta.obs.domain.TraceId;

import java.util.Objects;
import java.util.Optional;

/**
 * A search of stored LLM calls. Every filter is optional and they all must hold; {@code cursor}
 * continues a previous page of the same search.
 *
 * @param model      a model family ({@code gpt-4o}) finds every snapshot of it; any other name
 *                   finds exactly that name (see {@code ModelName.matchesFilter}); case does not matter
 * @param provider   the canonical provider ({@code openai}, {@code anthropic}, ...), case ignored
 * @param workflow   the trace's workflow name (its root span's name when it reports none), exact
 * @param service    the service of the call's span, exact
 * @param failed     only failed calls (true) or only calls that did not fail (false)
 * @param traceId    only the calls of this trace
 * @param descending highest (or newest) first
 * @param limit      at most this many calls, 1..{@value #MAX_LIMIT}
 */
public record LlmCallSearch(
        Optional<String> model,
        Optional<String> provider,
        Optional<String> workflow,
        Optional<String> service,
        Optional<Long> startFromUnixNano,
        Optional<Long> startToUnixNano,
        Optional<Boolean> failed,
        Optional<TraceId> traceId,
        LlmCallSort sort,
        boolean descending,
        int limit,
        Optional<LlmCallCursor> cursor) {

    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 50;

    public LlmCallSearch {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(startFromUnixNano, "startFromUnixNano");
        Objects.requireNonNull(startToUnixNano, "startToUnixNano");
        Objects.requireNonNull(failed, "failed");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(cursor, "cursor");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        model = model.map(String::trim).filter(s -> !s.isEmpty());
        provider = provider.map(String::trim).filter(s -> !s.isEmpty());
        workflow = workflow.filter(s -> !s.isEmpty());
        service = service.filter(s -> !s.isEmpty());
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.provider = provider;
        b.workflow = workflow;
        b.service = service;
        b.startFrom = startFromUnixNano;
        b.startTo = startToUnixNano;
        b.failed = failed;
        b.traceId = traceId;
        b.sort = sort;
        b.descending = descending;
        b.limit = limit;
        b.cursor = cursor;
        return b;
    }

    public static final class Builder {
        private Optional<String> model = Optional.empty();
        private Optional<String> provider = Optional.empty();
        private Optional<String> workflow = Optional.empty();
        private Optional<String> service = Optional.empty();
        private Optional<Long> startFrom = Optional.empty();
        private Optional<Long> startTo = Optional.empty();
        private Optional<Boolean> failed = Optional.empty();
        private Optional<TraceId> traceId = Optional.empty();
        private LlmCallSort sort = LlmCallSort.TIME;
        private boolean descending = true;
        private int limit = DEFAULT_LIMIT;
        private Optional<LlmCallCursor> cursor = Optional.empty();

        public Builder model(String v) {
            model = Optional.of(v);
            return this;
        }

        public Builder provider(String v) {
            provider = Optional.of(v);
            return this;
        }

        public Builder workflow(String v) {
            workflow = Optional.of(v);
            return this;
        }

        public Builder service(String v) {
            service = Optional.of(v);
            return this;
        }

        public Builder startFrom(long unixNano) {
            startFrom = Optional.of(unixNano);
            return this;
        }

        public Builder startTo(long unixNano) {
            startTo = Optional.of(unixNano);
            return this;
        }

        public Builder failed(boolean v) {
            failed = Optional.of(v);
            return this;
        }

        public Builder traceId(TraceId v) {
            traceId = Optional.of(v);
            return this;
        }

        public Builder sort(LlmCallSort v, boolean descending) {
            sort = Objects.requireNonNull(v, "sort");
            this.descending = descending;
            return this;
        }

        public Builder limit(int v) {
            limit = v;
            return this;
        }

        public Builder cursor(LlmCallCursor v) {
            cursor = Optional.of(v);
            return this;
        }

        public Builder noCursor() {
            cursor = Optional.empty();
            return this;
        }

        public LlmCallSearch build() {
            return new LlmCallSearch(model, provider, workflow, service, startFrom, startTo, failed, traceId, sort,
                    descending, limit, cursor);
        }
    }
}
