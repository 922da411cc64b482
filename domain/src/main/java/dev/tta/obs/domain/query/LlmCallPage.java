package dev.tta.obs.domain.query;

import dev.tta.obs.domain.LlmCall;

import java.util.List;
import java.util.Optional;

/** One page of an LLM calls search, with a cursor when more may follow. */
public record LlmCallPage(List<LlmCall> calls, Optional<LlmCallCursor> nextCursor) {
    public LlmCallPage {
        calls = List.copyOf(calls);
    }
}
