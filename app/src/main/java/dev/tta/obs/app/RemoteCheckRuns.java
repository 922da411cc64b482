package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.check.CheckRun;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The runs a running tta-obs stores, read page by page from {@code GET /api/traces}. */
final class RemoteCheckRuns implements CheckRunSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 1000;
    private final RemoteService service;
    /** The scored feedback each listed row carried, by trace id: the list already has it. */
    private final Map<String, List<NamedScore>> scores = new HashMap<>();

    RemoteCheckRuns(RemoteService service) {
        this.service = service;
    }

    @Override
    public List<CheckRun> runs(long fromUnixNano) throws IOException, InterruptedException {
        List<CheckRun> runs = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, List<String>> q = new LinkedHashMap<>();
            q.put("limit", List.of(String.valueOf(PAGE)));
            q.put("sort", List.of("newest"));
            if (fromUnixNano != Long.MIN_VALUE) {
                q.put("start", List.of(Long.toUnsignedString(fromUnixNano)));
            }
            if (cursor != null) {
                q.put("cursor", List.of(cursor));
            }
            JsonNode page;
            try (InputStream in = service.download("/api/traces" + RemoteService.query(q))) {
                page = JSON.readTree(in);
            }
            if (page == null || !page.path("traces").isArray()) {
                throw new IllegalArgumentException("the answer of /api/traces is not a trace list; is --url a tta-obs?");
            }
            for (JsonNode t : page.path("traces")) {
                runs.add(run(t));
                scores.put(t.path("traceId").asText(), scores(t.path("feedback")));
            }
            JsonNode next = page.path("nextCursor");
            cursor = next.isTextual() ? next.asText() : null;
        } while (cursor != null);
        return runs;
    }

    static CheckRun run(JsonNode t) {
        String workflow = t.path("workflowName").isTextual() && !t.path("workflowName").asText().isBlank()
                ? t.path("workflowName").asText() : t.path("rootName").asText();
        // totalTokens also counts tokens reported only as a total; a server without the field splits them all
        long tokens = t.has("totalTokens") ? t.path("totalTokens").asLong()
                : t.path("inputTokens").asLong() + t.path("outputTokens").asLong();
        JsonNode cost = t.path("costUsd");
        return new CheckRun(workflow, t.path("traceId").asText(), t.path("startTimeUnixNano").asLong(),
                t.path("durationMs").asDouble(), cost.isNumber() ? Optional.of(cost.asDouble()) : Optional.empty(),
                tokens, RunOutcome.parse(t.path("outcome").asText("ok")));
    }

    private static List<NamedScore> scores(JsonNode feedback) {
        List<NamedScore> out = new ArrayList<>();
        for (JsonNode f : feedback) {
            if (f.path("score").isNumber() && f.path("name").isTextual()) {
                out.add(new NamedScore(f.path("name").asText(), f.path("score").asDouble()));
            }
        }
        return out;
    }

    @Override
    public Map<String, Double> averageScores(List<CheckRun> runs) {
        return CheckRunSource.averages(runs.stream()
                .flatMap(r -> scores.getOrDefault(r.traceId(), List.of()).stream()));
    }

    @Override
    public void close() {
        // nothing held between requests
    }
}
