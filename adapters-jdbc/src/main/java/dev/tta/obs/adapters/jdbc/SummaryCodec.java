package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored form of a trace summary. A summary is always derivable from the trace's spans, so
 * a blob written by another version is not an error: {@link #decode} returns empty and the store
 * recomputes the summary from the spans.
 */
public final class SummaryCodec {
    private static final int VERSION = 1;

    private SummaryCodec() {
    }

    public static byte[] encode(TraceSummary s) {
        ByteSink out = new ByteSink(256);
        out.writeByte(VERSION);
        out.writeString(s.rootName());
        out.writeString(s.serviceName());
        out.writeFixedLong(s.startTimeUnixNano());
        out.writeFixedLong(s.endTimeUnixNano());
        out.writeVarInt(s.spanCount());
        out.writeVarInt(s.errorCount());
        out.writeByte(s.rootFound() ? 1 : 0);
        writeStrings(out, s.services());
        WorkflowRollup r = s.rollup();
        writeStrings(out, r.primitiveTypes());
        out.writeVarInt(r.cacheHits());
        out.writeVarInt(r.cacheMisses());
        out.writeVarInt(r.retries());
        out.writeVarInt(r.fallbacksUsed());
        out.writeVarInt(r.llmCalls());
        out.writeVarLong(r.inputTokens());
        out.writeVarLong(r.outputTokens());
        out.writeVarLong(r.cachedInputTokens());
        out.writeVarLong(r.reasoningTokens());
        if (r.costUsd().isPresent()) {
            out.writeByte(1);
            out.writeFixedLong(Double.doubleToRawLongBits(r.costUsd().get()));
        } else {
            out.writeByte(0);
        }
        writeOptional(out, r.workflowId());
        writeOptional(out, r.workflowName());
        writeOptional(out, r.sessionId());
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
        List<String> services = readStrings(in);
        List<String> primitives = readStrings(in);
        int cacheHits = in.readVarInt();
        int cacheMisses = in.readVarInt();
        int retries = in.readVarInt();
        int fallbacks = in.readVarInt();
        int llmCalls = in.readVarInt();
        long inTok = in.readVarLong();
        long outTok = in.readVarLong();
        long cachedTok = in.readVarLong();
        long reasoningTok = in.readVarLong();
        Optional<Double> cost = in.readByte() == 1
                ? Optional.of(Double.longBitsToDouble(in.readFixedLong())) : Optional.empty();
        WorkflowRollup rollup = new WorkflowRollup(primitives, cacheHits, cacheMisses, retries, fallbacks, llmCalls,
                inTok, outTok, cachedTok, reasoningTok, cost, readOptional(in), readOptional(in), readOptional(in));
        return Optional.of(new TraceSummary(traceId, rootName, service, start, end, spanCount, errorCount,
                rootFound, services, rollup));
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

    private static void writeOptional(ByteSink out, Optional<String> value) {
        out.writeByte(value.isPresent() ? 1 : 0);
        value.ifPresent(out::writeString);
    }

    private static Optional<String> readOptional(ByteSource in) {
        return in.readByte() == 1 ? Optional.of(in.readString()) : Optional.empty();
    }
}
