package dev.tta.obs.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PercentilesTest {

    @Test
    void nearestRank_isAValueThatOccurred_withAtLeastTheShareAtOrBelowIt() {
        double[] ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(Percentiles.nearestRank(ten, 0.50)).isEqualTo(5);
        assertThat(Percentiles.nearestRank(ten, 0.95)).isEqualTo(10);
        assertThat(Percentiles.nearestRank(ten, 0.0)).isEqualTo(1);
        assertThat(Percentiles.nearestRank(new double[] {7}, 0.99)).isEqualTo(7);
    }

    @Test
    void noValues_areZero() {
        assertThat(Percentiles.nearestRank(new double[0], 0.5)).isZero();
    }
}
