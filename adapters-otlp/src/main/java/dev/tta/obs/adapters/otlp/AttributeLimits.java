package dev.tta.obs.adapters.otlp;

/**
 * How much of one attribute set is kept: at most {@code maxAttributes} keys, and string (or
 * bytes) values of at most {@code maxValueLength} characters (bytes). A cut is never silent: it
 * adds to the element's dropped-attributes count and is reported in the export response.
 */
public record AttributeLimits(int maxAttributes, int maxValueLength) {
    public AttributeLimits {
        if (maxAttributes < 1 || maxValueLength < 1) {
            throw new IllegalArgumentException("attribute limits must be positive, got " + maxAttributes
                    + " attributes and " + maxValueLength + " characters");
        }
    }

    public static final AttributeLimits DEFAULT = new AttributeLimits(1024, 1 << 20);
}
