package dev.tta.obs.domain.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Model prices, looked up by canonical model name and provider. The bundled table ships with the
 * application; a user's file (same format) adds models or overrides bundled rows via {@link #merge}.
 *
 * <p>The format is tab-separated text, one model per line, {@code #} starts a comment line, and the
 * first non-comment line is the header:
 * <pre>
 * provider  model  input_per_mtok  output_per_mtok  cached_input_per_mtok  reasoning_per_mtok  source  as_of
 * </pre>
 * Prices are US dollars per million tokens; an empty cached price means "same as input", an empty
 * reasoning price "same as output"; {@code as_of} is an ISO date. An empty provider makes the row
 * apply to whoever serves the model.
 */
public final class PriceTable {
    /** The name of the user's price file in the data directory, and of the bundled resource. */
    public static final String FILE_NAME = "prices.tsv";
    static final String HEADER = "provider\tmodel\tinput_per_mtok\toutput_per_mtok\tcached_input_per_mtok\t"
            + "reasoning_per_mtok\tsource\tas_of";
    private static final String RESOURCE = "/dev/tta/obs/domain/cost/" + FILE_NAME;
    private static final PriceTable EMPTY = new PriceTable(List.of());

    private static volatile PriceTable bundled;

    /** Rows in precedence order: when two rows fit a lookup equally well, the earlier one wins. */
    private final List<ModelPrice> rows;
    private final Map<String, List<ModelPrice>> byModel;

    private PriceTable(List<ModelPrice> rows) {
        this.rows = List.copyOf(rows);
        Map<String, List<ModelPrice>> index = new LinkedHashMap<>();
        for (ModelPrice p : this.rows) {
            index.computeIfAbsent(p.model(), k -> new ArrayList<>()).add(p);
        }
        this.byModel = index;
    }

    public static PriceTable empty() {
        return EMPTY;
    }

    public static PriceTable of(List<ModelPrice> prices) {
        return new PriceTable(prices);
    }

    /** The table shipped inside the application. */
    public static PriceTable bundled() {
        PriceTable t = bundled;
        if (t == null) {
            try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("bundled price table " + RESOURCE + " is missing from the build");
                }
                t = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + FILE_NAME);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bundled = t;
        }
        return t;
    }

    /** Reads a user's price file; a bad line fails the whole file with a message naming the line. */
    public static PriceTable load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** The bundled table with a user's file applied on top, if there is one. */
    public static PriceTable bundledWithOverrides(Optional<Path> userFile) throws IOException {
        PriceTable base = bundled();
        if (userFile.isEmpty() || !Files.exists(userFile.get())) {
            return base;
        }
        return base.merge(load(userFile.get()));
    }

    public static PriceTable parse(String text, String origin) {
        List<ModelPrice> rows = new ArrayList<>();
        boolean headerSeen = false;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            String where = origin + " line " + (i + 1);
            String[] cells = line.split("\t", -1);
            if (!headerSeen) {
                if (!cells[0].trim().equalsIgnoreCase("provider")) {
                    throw new PriceFileException(where + ": expected the header line '" + HEADER.replace('\t', ' ')
                            + "' (tab-separated)");
                }
                headerSeen = true;
                continue;
            }
            rows.add(row(cells, where));
        }
        return new PriceTable(rows);
    }

    private static ModelPrice row(String[] cells, String where) {
        if (cells.length < 8) {
            throw new PriceFileException(where + ": expected 8 tab-separated columns, found " + cells.length);
        }
        String provider = cells[0].trim().isEmpty() ? "" : ModelName.canonicalProvider(cells[0]);
        String rawModel = cells[1].trim();
        if (rawModel.isEmpty()) {
            throw new PriceFileException(where + ": the model is empty");
        }
        double input = price(cells[2], "input_per_mtok", where).orElseThrow(
                () -> new PriceFileException(where + ": input_per_mtok is required"));
        double output = price(cells[3], "output_per_mtok", where).orElseThrow(
                () -> new PriceFileException(where + ": output_per_mtok is required"));
        Optional<Double> cached = price(cells[4], "cached_input_per_mtok", where);
        Optional<Double> reasoning = price(cells[5], "reasoning_per_mtok", where);
        LocalDate asOf;
        try {
            asOf = LocalDate.parse(cells[7].trim());
        } catch (DateTimeParseException e) {
            throw new PriceFileException(where + ": as_of '" + cells[7].trim() + "' is not a date like 2025-11-01");
        }
        return new ModelPrice(provider, ModelName.canonical(rawModel), input, output, cached, reasoning,
                cells[6].trim(), asOf);
    }

    private static Optional<Double> price(String cell, String column, String where) {
        String s = cell.trim();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            double d = Double.parseDouble(s.startsWith("$") ? s.substring(1) : s);
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return Optional.of(d);
        } catch (NumberFormatException e) {
            throw new PriceFileException(where + ": " + column + " '" + s + "' is not a non-negative number");
        }
    }

    /**
     * This table with {@code overrides} on top: an override row replaces the row for the same provider
     * and model, and wins any lookup it fits as well as a row of this table.
     */
    public PriceTable merge(PriceTable overrides) {
        List<ModelPrice> merged = new ArrayList<>(overrides.rows);
        for (ModelPrice p : rows) {
            boolean replaced = overrides.rows.stream()
                    .anyMatch(o -> o.model().equals(p.model()) && o.provider().equals(p.provider()));
            if (!replaced) {
                merged.add(p);
            }
        }
        return new PriceTable(merged);
    }

    /**
     * The price for a model as served by a provider: the row of that provider, else a row for any
     * provider, else the model's first row (its home provider, when a host like Groq was not named).
     */
    public Optional<ModelPrice> find(String model, Optional<String> provider) {
        List<ModelPrice> candidates = byModel.get(ModelName.canonical(model));
        if (candidates == null) {
            return Optional.empty();
        }
        if (provider.isPresent()) {
            String p = ModelName.canonicalProvider(provider.get());
            for (ModelPrice c : candidates) {
                if (c.provider().equals(p)) {
                    return Optional.of(c);
                }
            }
            for (ModelPrice c : candidates) {
                if (c.provider().isEmpty()) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.of(candidates.get(0));
    }

    public List<ModelPrice> prices() {
        return rows;
    }

    /** The date of the newest price in the table, for the settings page ("prices as of ..."). */
    public Optional<LocalDate> asOf() {
        return rows.stream().map(ModelPrice::asOf).max(Comparator.naturalOrder());
    }

    /** The table in its file format, e.g. to show or to start a user's override file from. */
    public String toTsv() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (ModelPrice p : rows) {
            sb.append(p.provider()).append('\t').append(p.model()).append('\t')
                    .append(number(p.inputPerMTok())).append('\t').append(number(p.outputPerMTok())).append('\t')
                    .append(p.cachedInputPerMTok().map(PriceTable::number).orElse("")).append('\t')
                    .append(p.reasoningPerMTok().map(PriceTable::number).orElse("")).append('\t')
                    .append(p.source()).append('\t').append(p.asOf()).append('\n');
        }
        return sb.toString();
    }

    private static String number(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    public int size() {
        return rows.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PriceTable other && rows.equals(other.rows);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows);
    }

    @Override
    public String toString() {
        return "PriceTable[" + rows.size() + " prices" + asOf().map(d -> ", as of " + d).orElse("") + "]";
    }
}
