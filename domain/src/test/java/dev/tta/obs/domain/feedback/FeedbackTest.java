package dev.tta.obs.domain.feedback;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.TestSpans;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.WorkflowRollup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.tta.obs.domain.TestSpans.TRACE;
import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeedbackTest {
    @Test
    void badFeedback_isRefusedWithOneClearLine() {
        assertThatThrownBy(() -> NewFeedback.of(TRACE, Optional.empty(), " ", Optional.of(1.0), Optional.empty(),
                Optional.empty(), Optional.empty())).hasMessageContaining("needs a name");
        assertThatThrownBy(() -> NewFeedback.of(TRACE, Optional.empty(), "thumbs", Optional.empty(), Optional.of("  "),
                Optional.of("just a comment"), Optional.empty())).hasMessage("feedback needs a score or a label (or both)");
        assertThatThrownBy(() -> NewFeedback.of(TRACE, Optional.empty(), "x", Optional.of(Double.NaN), Optional.empty(),
                Optional.empty(), Optional.empty())).hasMessageContaining("finite");
        assertThatThrownBy(() -> NewFeedback.of(TRACE, Optional.empty(), "x", Optional.of(1.0), Optional.empty(),
                Optional.of("c".repeat(NewFeedback.MAX_COMMENT + 1)), Optional.empty())).hasMessageContaining("comment is longer");
        assertThat(NewFeedback.of(TRACE, Optional.empty(), " thumbs ", Optional.of(1.0), Optional.empty(),
                Optional.empty(), Optional.empty()).source()).isEqualTo("api");
    }

    @Test
    void polarity_followsACommonLabel_elseTheScore() {
        assertThat(FeedbackPolarity.of(Optional.of(0.9), Optional.of("Wrong"))).isEqualTo(FeedbackPolarity.NEGATIVE);
        assertThat(FeedbackPolarity.of(Optional.of(0.1), Optional.of("thumbs-up"))).isEqualTo(FeedbackPolarity.POSITIVE);
        assertThat(FeedbackPolarity.of(Optional.of(0.5), Optional.of("medium"))).isEqualTo(FeedbackPolarity.POSITIVE);
        assertThat(FeedbackPolarity.of(Optional.of(0.49), Optional.empty())).isEqualTo(FeedbackPolarity.NEGATIVE);
        assertThat(FeedbackPolarity.of(Optional.empty(), Optional.of("medium"))).isEqualTo(FeedbackPolarity.NEUTRAL);
    }

    @Test
    void feedbackWrittenIntoAnExport_readsBackAsTheSameFeedback_onItsSpanOrTheTrace() {
        Span root = span("agent").build();
        Span llm = span("chat").parent(root).build();
        Trace trace = new TraceAssembler(spans -> WorkflowRollup.EMPTY).assemble(TRACE, List.of(root, llm));
        Feedback onTrace = NewFeedback.of(TRACE, Optional.empty(), "thumbs", Optional.of(0.0), Optional.of("down"),
                Optional.of("wrong"), Optional.of("dashboard")).stored(1, 5_000);
        Feedback onSpan = NewFeedback.of(TRACE, Optional.of(llm.spanId()), "relevance", Optional.of(0.7),
                Optional.empty(), Optional.empty(), Optional.empty()).stored(2, 6_000);
        Feedback fromEvent = EvaluationEvents.from(TRACE, List.of(llm.toBuilder().addEvent(new SpanEvent(7_000,
                EvaluationEvents.EVENT, Attributes.builder().put(EvaluationEvents.NAME, "tone")
                        .put(EvaluationEvents.LABEL, "polite").build(), 0)).build())).get(0).stored(3, 7_000);
        assertThat(fromEvent.fromSpanEvent()).isTrue();

        Trace exported = EvaluationEvents.withFeedback(trace, List.of(onTrace, onSpan, fromEvent));
        List<NewFeedback> back = EvaluationEvents.from(TRACE, exported.spans());
        assertThat(back).extracting(NewFeedback::name).containsExactlyInAnyOrder("thumbs", "relevance");
        NewFeedback thumbs = back.stream().filter(f -> f.name().equals("thumbs")).findFirst().orElseThrow();
        assertThat(thumbs.spanId()).as("about the whole trace again").isEmpty();
        assertThat(thumbs.comment()).contains("wrong");
        assertThat(thumbs.source()).isEqualTo("dashboard");
        NewFeedback relevance = back.stream().filter(f -> f.name().equals("relevance")).findFirst().orElseThrow();
        assertThat(relevance.spanId()).contains(llm.spanId());
        assertThat(relevance.score()).contains(0.7);
        assertThat(EvaluationEvents.withFeedback(trace, List.of(fromEvent))).isSameAs(trace);
    }
}
