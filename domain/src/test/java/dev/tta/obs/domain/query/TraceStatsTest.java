package dev.tta.obs.domain.query;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** TraceStats writes out equals and hashCode; the live feed publishes stats only when they differ. */
class TraceStatsTest {
    private static final TraceStats STATS = new TraceStats(12, 40.5, 30, 90, 120, 0.25, Optional.of(1.5), 0.5);

    @Test
    void equalStatsAreEqualWithTheSameHash() {
        TraceStats same = new TraceStats(12, 40.5, 30, 90, 120, 0.25, Optional.of(1.5), 0.5);
        assertThat(same).isEqualTo(STATS).hasSameHashCodeAs(STATS);
        assertThat(new TraceStats(0, Double.NaN, 0, 0, 0, 0, Optional.empty(), 0))
                .isEqualTo(new TraceStats(0, Double.NaN, 0, 0, 0, 0, Optional.empty(), 0));
    }

    /** Every component, including one added later, must take part in equals. */
    @Test
    void statsDifferingInAnyOneComponentDiffer() throws Exception {
        RecordComponent[] components = TraceStats.class.getRecordComponents();
        Constructor<TraceStats> constructor = TraceStats.class.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        for (int i = 0; i < components.length; i++) {
            Object[] values = new Object[components.length];
            for (int j = 0; j < components.length; j++) {
                values[j] = components[j].getAccessor().invoke(STATS);
            }
            values[i] = other(values[i]);
            TraceStats changed = constructor.newInstance(values);
            assertThat(changed).as(components[i].getName()).isNotEqualTo(STATS);
            assertThat(STATS).as(components[i].getName()).isNotEqualTo(changed);
        }
        assertThat(STATS).isNotEqualTo(null).isNotEqualTo("stats");
    }

    private static Object other(Object value) {
        if (value instanceof Long l) {
            return l + 1;
        }
        if (value instanceof Double d) {
            return d + 1;
        }
        if (value instanceof Optional<?> o) {
            return o.isPresent() ? Optional.empty() : Optional.of(1.0);
        }
        throw new AssertionError("no other value for " + value);
    }
}
