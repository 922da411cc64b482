package dev.tta.obs.domain.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A line diff (longest common subsequence), for the messages and outputs of two matched LLM calls.
 * Texts longer than {@link #MAX_LINES} lines a side are not diffed line by line (the table would be
 * quadratic): the whole of A is shown removed and the whole of B added.
 */
public final class LineDiff {
    public static final int MAX_LINES = 2000;

    public enum Op { SAME, REMOVED, ADDED }

    public record Line(Op op, String text) {
        public Line {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(text, "text");
        }
    }

    private LineDiff() {
    }

    /** Lines of A and B in order: SAME lines are in both, REMOVED only in A, ADDED only in B. */
    public static List<Line> of(List<String> a, List<String> b) {
        List<Line> out = new ArrayList<>(a.size() + b.size());
        if (a.size() > MAX_LINES || b.size() > MAX_LINES) {
            a.forEach(l -> out.add(new Line(Op.REMOVED, l)));
            b.forEach(l -> out.add(new Line(Op.ADDED, l)));
            return out;
        }
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (a.get(i).equals(b.get(j))) {
                out.add(new Line(Op.SAME, a.get(i)));
                i++;
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.add(new Line(Op.REMOVED, a.get(i++)));
            } else {
                out.add(new Line(Op.ADDED, b.get(j++)));
            }
        }
        while (i < n) {
            out.add(new Line(Op.REMOVED, a.get(i++)));
        }
        while (j < m) {
            out.add(new Line(Op.ADDED, b.get(j++)));
        }
        return out;
    }
}
