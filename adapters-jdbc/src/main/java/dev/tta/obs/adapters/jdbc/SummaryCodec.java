package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.cost.CostStatus;
import dev.tta.obs.domain.cost.ModelUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored form of a trace summary. A summary is always derivable from the trace's spans, so
 * a blob written by another version is not an error: {@link #decode} returns empty and the store
 * recomputes the summary from the spans. Version 3 added the run's outcome, the retry attempts and
 * the calls without usage; version 4 the user id; an older blob lacks them, so it is recomputed
 * rather than guessed.
 */
public final class SummaryCodec {
    private static final int VERSION = 4;

    private SummaryCodec() {
    }

    public static byte[] encode(TraceSummary s) {
        ByteSink out = ByteSink.scratch();
        out.writeByte(VERSION);
        out.writeString(s.rootName());
        out.writeString(s.serviceName());
        out.writeFixedLong(s.startTimeUnixNano());
        out.writeFixedLong(s.endTimeUnixNano());
        out.writeVarInt(s.spanCount());
        out.writeVarInt(s.errorCount());
        out.writeByte(s.rootFound() ? 1 : 0);
        out.writeByte(s.outcome().ordinal());
        writeStrings(out, s.services());
        WorkflowRollup r = s.rollup();
        writeStrings(out, r.primitiveTypes());
        out.writeVarInt(r.cacheHits());
        out.writeVarInt(r.cacheMisses());
        out.writeVarInt(r.retries());
        out.writeVarInt(r.retryAttempts());
        out.writeVarInt(r.fallbacksUsed());
        out.writeVarInt(r.timeouts());
        out.writeVarInt(r.compensations());
        out.writeVarInt(r.llmCalls());
        out.writeVarLong(r.inputTokens());
        out.writeVarLong(r.outputTokens());
        out.writeVarLong(r.cachedInputTokens());
        out.writeVarLong(r.reasoningTokens());
        writeOptionalDouble(out, r.costUsd());
        out.writeByte(r.costStatus().ordinal());
        writeStrings(out, r.unpricedModels());
        out.writeVarInt(r.modelUsage().size());
        for (ModelUsage u : r.modelUsage()) {
            out.writeString(u.provider());
            out.writeString(u.model());
            out.writeVarInt(u.calls());
            out.writeVarInt(u.callsWithoutUsage());
            out.writeVarLong(u.inputTokens());
            out.writeVarLong(u.cachedInputTokens());
            out.writeVarLong(u.outputTokens());
            out.writeVarLong(u.reasoningTokens());
            out.writeVarLong(u.unsplitTokens());
            writeOptionalDouble(out, u.reportedCostUsd());
        }
        writeOptional(out, r.workflowId());
        writeOptional(out, r.workflowName());
        writeOptional(out, r.sessionId());
        writeOptional(out, r.userId());
        return out.toByteArray();
    }

    public static Optional<TraceSummary> decode(TraceId traceId, byte[] blob) {
        if (blob == null || blob.length == 0 || (blob[0] & 0xFF) != VERSION) {
            return Optional.empty();
        }
        ByteSource in = new ByteSource(blob);
        in.readByte();
        String rootName = in.readString();
        String service = in.readString();
        long start = in.readFixedLong();
        long end = in.readFixedLong();
        int spanCount = in.readVarInt();
        int errorCount = in.readVarInt();
        boolean rootFound = in.readByte() == 1;
        RunOutcome[] outcomes = RunOutcome.values();
        int outcomeIndex = in.readByte();
        if (outcomeIndex < 0 || outcomeIndex >= outcomes.length) {
            // written by a newer version that knows more outcomes: the spans tell
            return Optional.empty();
        }
        RunOutcome outcome = outcomes[outcomeIndex];
        List<String> services = readStrings(in);
        List<String> primitives = readStrings(in);
        int cacheHits = in.readVarInt();
        int cacheMisses = in.readVarInt();
        int retries = in.readVarInt();
        int retryAttempts = in.readVarInt();
        int fallbacks = in.readVarInt();
        int timeouts = in.readVarInt();
        int compensations = in.readVarInt();
        int llmCalls = in.readVarInt();
        long inTok = in.readVarLong();
        long outTok = in.readVarLong();
        long cachedTok = in.readVarLong();
        long reasoningTok = in.readVarLong();
        Optional<Double> cost = readOptionalDouble(in);
        CostStatus[] statuses = CostStatus.values();
        int statusIndex = in.readByte();
        CostStatus status = statusIndex < statuses.length ? statuses[statusIndex] : CostStatus.NONE;
        List<String> unpriced = readStrings(in);
        int nUsage = in.readVarInt();
        List<ModelUsage> usage = new ArrayList<>(nUsage);
        for (int i = 0; i < nUsage; i++) {
            usage.add(new ModelUsage(in.readString(), in.readString(), in.readVarInt(), in.readVarInt(),
                    in.readVarLong(), in.readVarLong(), in.readVarLong(), in.readVarLong(), in.readVarLong(),
                    readOptionalDouble(in)));
        }
        WorkflowRollup rollup = new WorkflowRollup(primitives, cacheHits, cacheMisses, retries, retryAttempts, fallbacks, timeouts,
                compensations, llmCalls, inTok, outTok, cachedTok, reasoningTok, cost, status, unpriced, usage,
                readOptional(in), readOptional(in), readOptional(in), readOptional(in));
        return Optional.of(new TraceSummary(traceId, rootName, service, start, end, spanCount, errorCount,
                rootFound, services, rollup, outcome));
    }

    private static void writeStrings(ByteSink out, List<String> values) {
        out.writeVarInt(values.size());
        for (String v : values) {
            out.writeString(v);
        }
    }

    private static List<String> readStrings(ByteSource in) {
        int n = in.readVarInt();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readString());
        }
        return values;
    }

    private static void writeOptionalDouble(ByteSink out, Optional<Double> value) {
        out.writeByte(value.isPresent() ? 1 : 0);
        value.ifPresent(v -> out.writeFixedLong(Double.doubleToRawLongBits(v)));
    }

    private static Optional<Double> readOptionalDouble(ByteSource in) {
        return in.readByte() == 1 ? Optional.of(Double.longBitsToDouble(in.readFixedLong())) : Optional.empty();
    }

    private static void writeOptional(ByteSink out, Optional<String> value) {
        out.writeByte(value.isPresent() ? 1 : 0);
        value.ifPresent(out::writeString);
    }

    private static Optional<String> readOptional(ByteSource in) {
        return in.readByte() == 1 ? Optional.of(in.readString()) : Optional.empty();
    }
}
