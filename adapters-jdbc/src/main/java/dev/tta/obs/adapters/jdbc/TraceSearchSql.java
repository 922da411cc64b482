package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TraceCursor;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.query.TraceSort;
import dev.tta.obs.domain.query.TraceStatusFilter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A trace search as SQL, for both stores. Column filters (service, root name, time window, errors,
 * outcome, status, duration, cost, regression) go to the {@code traces} table and its indexes; name,
 * attribute, model, primitive, status OK and free-text filters are {@link Term}s that each store
 * answers with its own full-text index. Several attribute filters must hold on one span, which an
 * index over chunks cannot tell, so those candidates are checked against their spans, page by page.
 * Pages are keyset-paged on (sort key, trace id).
 */
public final class TraceSearchSql {
    private TraceSearchSql() {
    }

    /**
     * One full-text filter: an exact term's hash (or any of several, {@code orExact}), or a
     * free-text word.
     */
    public record Term(Optional<Long> exactHash, Optional<String> word, boolean negated, List<Long> orExact) {
        public Term {
            orExact = List.copyOf(orExact);
        }

        static Term exact(long hash, boolean negated) {
            return new Term(Optional.of(hash), Optional.empty(), negated, List.of());
        }

        static Term anyExact(long hash, long alternative) {
            return new Term(Optional.of(hash), Optional.empty(), false, List.of(alternative));
        }

        static Term word(String word) {
            return new Term(Optional.empty(), Optional.of(word), false, List.of());
        }

        /** The exact hashes a chunk may have any of to match; empty for a word. */
        public List<Long> exactHashes() {
            if (exactHash.isEmpty()) {
                return List.of();
            }
            List<Long> all = new ArrayList<>(1 + orExact.size());
            all.add(exactHash.get());
            all.addAll(orExact);
            return all;
        }
    }

    /** What differs between the stores. */
    public interface Dialect {
        /** The {@code traces} table as the query names it, e.g. {@code traces} or {@code traces t}. */
        String tracesTable();

        /** A column of {@code traces} as the query names it, e.g. {@code t.start_ns}. */
        String column(String name);

        /** The predicate of a trace flagged as a regression (true or false, never null). */
        String regressionFlag();

        /**
         * Appends the predicate that a trace has the term (or, when negated, the caller has already
         * appended {@code NOT}) and its bind arguments.
         *
         * @param pageRows how many rows a page round asks for, to plan rare against common terms
         */
        void appendTerm(Connection c, Term term, int pageRows, StringBuilder where, List<Object> args)
                throws SQLException;
    }

    /** The stored traces a search reads beyond the summary rows. */
    public interface Stored {
        List<Span> spans(Connection c, TraceId id) throws SQLException;

        /** A summary from its spans, for one stored in a format this version cannot read. */
        TraceSummary recompute(Connection c, TraceId id) throws SQLException;
    }

    /**
     * The cursor key of a trace without a cost: {@code coalesce(cost_usd, -1.0)}, as before the
     * split. Costs are never negative unless a client reports garbage; a priced trace at exactly
     * -1 ending a page would send the next page to the unpriced traces early.
     */
    private static final long UNPRICED_KEY = Double.doubleToLongBits(-1.0);

    /** The cost order's page condition and order: priced traces first, then unpriced ones by id. */
    private static void pageCostSql(Dialect d, String id, boolean unpriced, Optional<TraceCursor> after,
                                    StringBuilder sql, List<Object> args) {
        String cost = d.column("cost_usd");
        if (unpriced) {
            sql.append(" AND ").append(cost).append(" IS NULL");
            if (after.isPresent() && after.get().sortKey() == UNPRICED_KEY) {
                sql.append(" AND ").append(id).append(" < ?");
                args.add(after.get().traceId().toBytes());
            }
            sql.append(" ORDER BY ").append(id).append(" DESC");
            return;
        }
        sql.append(" AND ").append(cost).append(" IS NOT NULL");
        if (after.isPresent()) {
            sql.append(" AND (").append(cost).append(", ").append(id).append(") < (?, ?)");
            args.add(Double.longBitsToDouble(after.get().sortKey()));
            args.add(after.get().traceId().toBytes());
        }
        sql.append(" ORDER BY ").append(cost).append(" DESC, ").append(id).append(" DESC");
    }

    public static TracePage search(Connection c, TraceSearch search, Dialect d, Stored stored) throws SQLException {
        String key = switch (search.sort()) {
            case NEWEST, OLDEST -> d.column("start_ns");
            case DURATION -> d.column("duration_ns");
            case COST -> "coalesce(" + d.column("cost_usd") + ", -1.0)";
        };
        String id = d.column("trace_id");
        boolean cost = search.sort() == TraceSort.COST;
        String dir = search.sort() == TraceSort.OLDEST ? "ASC" : "DESC";
        String cmp = search.sort() == TraceSort.OLDEST ? ">" : "<";
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        columnFilters(search, d, where, args);
        boolean verifyOneSpan = search.attributes().size() > 1;
        int want = search.limit() + 1;
        // most candidates of several attribute filters fail the one-span check: fetch more per round
        int fetch = verifyOneSpan ? Math.max(want * 8, 400) : want;
        for (Term term : terms(search)) {
            where.append(term.negated() ? " AND NOT " : " AND ");
            d.appendTerm(c, term, fetch, where, args);
        }
        List<TraceSummary> out = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        Set<TraceId> regressions = new HashSet<>();
        Optional<TraceCursor> after = search.cursor();
        // by cost: priced traces by (cost, id) from their partial index, then the unpriced ones by
        // id alone from the primary key; an unpriced trace's key stays -1, so cursors carry over
        boolean unpriced = cost && after.isPresent() && after.get().sortKey() == UNPRICED_KEY;
        while (out.size() < want) {
            StringBuilder sql = new StringBuilder("SELECT ").append(id).append(", ").append(d.column("summary"))
                    .append(", ").append(key).append(", ").append(d.regressionFlag()).append(" FROM ").append(d.tracesTable()).append(where);
            List<Object> pageArgs = new ArrayList<>(args);
            if (cost) {
                pageCostSql(d, id, unpriced, after, sql, pageArgs);
            } else {
                if (after.isPresent()) {
                    sql.append(" AND (").append(key).append(", ").append(id).append(") ").append(cmp).append(" (?, ?)");
                    pageArgs.add(after.get().sortKey());
                    pageArgs.add(after.get().traceId().toBytes());
                }
                sql.append(" ORDER BY ").append(key).append(' ').append(dir).append(", ").append(id).append(' ')
                        .append(dir);
            }
            sql.append(" LIMIT ?");
            pageArgs.add(fetch);
            int rows = 0;
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < pageArgs.size(); i++) {
                    ps.setObject(i + 1, pageArgs.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && out.size() < want) {
                        rows++;
                        TraceId traceId = TraceId.fromBytes(rs.getBytes(1));
                        long sortKey = cost ? Double.doubleToLongBits(rs.getDouble(3)) : rs.getLong(3);
                        after = Optional.of(new TraceCursor(sortKey, traceId));
                        if (verifyOneSpan && !oneSpanHasAll(stored.spans(c, traceId), search.attributes())) {
                            continue;
                        }
                        Optional<TraceSummary> s = SummaryCodec.decode(traceId, rs.getBytes(2));
                        out.add(s.isPresent() ? s.get() : stored.recompute(c, traceId));
                        keys.add(sortKey);
                        if (rs.getBoolean(4)) {
                            regressions.add(traceId);
                        }
                    }
                }
            }
            if (rows < fetch) {
                if (cost && !unpriced) {
                    unpriced = true;
                    continue;
                }
                break;
            }
        }
        Optional<TraceCursor> next = Optional.empty();
        if (out.size() > search.limit()) {
            regressions.remove(out.get(search.limit()).traceId());
            out = new ArrayList<>(out.subList(0, search.limit()));
            next = Optional.of(new TraceCursor(keys.get(search.limit() - 1), out.get(out.size() - 1).traceId()));
        }
        return new TracePage(out, next, regressions);
    }

    private static void columnFilters(TraceSearch search, Dialect d, StringBuilder where, List<Object> args) {
        search.serviceName().ifPresent(s -> {
            where.append(" AND ").append(d.column("service_name")).append(" = ?");
            args.add(s);
        });
        search.rootName().ifPresent(n -> {
            where.append(" AND ").append(d.column("root_name")).append(" = ?");
            args.add(n);
        });
        search.startFromUnixNano().ifPresent(v -> {
            where.append(" AND ").append(d.column("start_ns")).append(" >= ?");
            args.add(v);
        });
        search.startToUnixNano().ifPresent(v -> {
            where.append(" AND ").append(d.column("start_ns")).append(" <= ?");
            args.add(v);
        });
        if (search.errorsOnly()) {
            where.append(" AND ").append(d.column("outcome")).append(" = ?");
            args.add(RunOutcome.FAILED.label());
        }
        search.outcome().ifPresent(o -> {
            where.append(" AND ").append(d.column("outcome")).append(" = ?");
            args.add(o.label());
        });
        if (search.status().orElse(null) == TraceStatusFilter.ERROR) {
            where.append(" AND ").append(d.column("error_count")).append(" > 0");
        }
        if (search.status().isPresent() && search.status().get() != TraceStatusFilter.ERROR) {
            where.append(" AND ").append(d.column("error_count")).append(" = 0");
        }
        search.minDurationMs().ifPresent(v -> {
            where.append(" AND ").append(d.column("duration_ns")).append(" >= ?");
            args.add((long) Math.ceil(v * 1_000_000.0));
        });
        search.maxDurationMs().ifPresent(v -> {
            where.append(" AND ").append(d.column("duration_ns")).append(" <= ?");
            args.add((long) Math.floor(v * 1_000_000.0));
        });
        if (search.regressionsOnly()) {
            where.append(" AND ").append(d.regressionFlag());
        }
        search.minCostUsd().ifPresent(v -> {
            where.append(" AND ").append(d.column("cost_usd")).append(" >= ?");
            args.add(v);
        });
        // qualified: inside the feedback subquery a bare trace_id would be the feedback row's own
        String id = d.column("trace_id");
        FeedbackSql.filters(search, id.contains(".") ? id : d.tracesTable() + "." + id, where, args);
    }

    /** The full-text filters of a search, free-text words first. */
    public static List<Term> terms(TraceSearch search) {
        List<Term> terms = new ArrayList<>();
        search.text().ifPresent(t -> SearchTerms.queryWords(t).forEach(w -> terms.add(Term.word(w))));
        search.spanName().ifPresent(n -> terms.add(Term.exact(SearchTerms.spanName(n), false)));
        // ok: a span is marked ok; unset: none is (error_count = 0 is a column filter for both)
        search.status().filter(st -> st != TraceStatusFilter.ERROR)
                .ifPresent(st -> terms.add(Term.exact(SearchTerms.statusOk(), st == TraceStatusFilter.UNSET)));
        for (TraceSearch.AttributeMatch a : search.attributes()) {
            terms.add(Term.exact(SearchTerms.attribute(a.key(), a.value()), false));
        }
        search.primitive().ifPresent(p -> terms.add(Term.exact(SearchTerms.primitive(p), false)));
        search.model().ifPresent(m -> {
            long term = SearchTerms.modelFilter(m);
            long exact = SearchTerms.model(m.trim());
            // a family's own name also finds chunks indexed before family terms existed
            terms.add(term == exact ? Term.exact(term, false) : Term.anyExact(term, exact));
        });
        return terms;
    }

    private static boolean oneSpanHasAll(List<Span> spans, List<TraceSearch.AttributeMatch> matches) {
        for (Span s : spans) {
            boolean all = true;
            for (TraceSearch.AttributeMatch m : matches) {
                if (!s.attributes().get(m.key()).map(v -> v.asText().equals(m.value())).orElse(false)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }
}
