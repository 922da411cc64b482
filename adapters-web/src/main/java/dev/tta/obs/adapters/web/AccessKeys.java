package dev.tta.obs.adapters.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The keys this server accepts and what each may do: the {@code --auth-token} opens everything,
 * an ingest key ({@code --ingest-token}) only sends telemetry, a viewer key ({@code --viewer-token})
 * only reads. With no key at all, nothing is asked for (a server on this machine only).
 */
public final class AccessKeys {
    /** What a key may do. */
    public enum Role {
        /** --auth-token: read, send, delete, import. */
        FULL,
        /** --ingest-token: send OTLP and nothing else, for applications. */
        INGEST,
        /** --viewer-token: read traces, metrics, logs, the live feed and MCP; change nothing. */
        VIEWER;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final AccessKeys NONE = new AccessKeys(Optional.empty(), List.of(), List.of());

    private final Optional<String> full;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<Role> roles = new ArrayList<>();

    /**
     * @throws IllegalArgumentException when a role key is given without the full-access key (nobody
     *                                  could then delete or import), or one key is given two roles
     */
    public AccessKeys(Optional<String> full, List<String> ingest, List<String> viewer) {
        this.full = full.map(String::trim).filter(t -> !t.isEmpty());
        Map<String, Role> byKey = new LinkedHashMap<>();
        this.full.ifPresent(k -> byKey.put(k, Role.FULL));
        add(byKey, ingest, Role.INGEST);
        add(byKey, viewer, Role.VIEWER);
        if (this.full.isEmpty() && !byKey.isEmpty()) {
            throw new IllegalArgumentException("--ingest-token and --viewer-token need --auth-token too: "
                    + "the full-access key is the one that can delete and import");
        }
        byKey.forEach((k, r) -> {
            keys.add(k.getBytes(StandardCharsets.UTF_8));
            roles.add(r);
        });
    }

    private static void add(Map<String, Role> byKey, List<String> given, Role role) {
        for (String raw : given) {
            String k = raw.trim();
            if (k.isEmpty()) {
                continue;
            }
            if (k.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("--" + role.label() + "-token: a key may not hold control characters "
                        + "(a line break, a tab): it travels in an HTTP header");
            }
            Role before = byKey.putIfAbsent(k, role);
            if (before != null && before != role) {
                throw new IllegalArgumentException("the same key is given as " + flag(before) + " and as " + flag(role)
                        + "; a key has one role");
            }
        }
    }

    private static String flag(Role r) {
        return r == Role.FULL ? "--auth-token" : "--" + r.label() + "-token";
    }

    /** Whether requests must present a key at all. */
    public boolean required() {
        return full.isPresent();
    }

    /** The full-access key, which the dashboard's start-up link carries. */
    public Optional<String> full() {
        return full;
    }

    /** Every key with its role, for the dashboard's login cookies. */
    List<Map.Entry<byte[], Role>> all() {
        List<Map.Entry<byte[], Role>> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            out.add(Map.entry(keys.get(i), roles.get(i)));
        }
        return out;
    }

    /**
     * The role of the presented key, or empty for no key we know. Every key is compared, in
     * constant time, so the answer's timing tells nothing of which keys exist.
     */
    public Optional<Role> roleOf(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] p = presented.trim().getBytes(StandardCharsets.UTF_8);
        Role found = null;
        for (int i = 0; i < keys.size(); i++) {
            if (MessageDigest.isEqual(keys.get(i), p) && found == null) {
                found = roles.get(i);
            }
        }
        return Optional.ofNullable(found);
    }

    /** The role of an {@code Authorization: Bearer <key>} header value. */
    public Optional<Role> roleOfAuthorization(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return roleOf(header.substring(7));
    }

    /**
     * Why {@code role} may not make this request, or empty when it may. OTLP ({@code /v1/...}) is
     * sending; MCP's tools only read; elsewhere a method that changes state (delete, import) needs
     * the full key.
     */
    public static Optional<String> refusal(Role role, String method, String path) {
        boolean otlp = path.startsWith("/v1/");
        boolean mcp = path.equals("/mcp") || path.startsWith("/mcp/");
        boolean changes = !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
        return switch (role) {
            case FULL -> Optional.empty();
            case INGEST -> otlp ? Optional.empty()
                    : Optional.of("an ingest key (--ingest-token) can only send OTLP to /v1/traces, /v1/metrics and /v1/logs; "
                            + "reading needs a viewer key or the --auth-token");
            case VIEWER -> otlp ? Optional.of("a viewer key (--viewer-token) can read, not send telemetry; "
                    + "applications need an ingest key or the --auth-token")
                    : changes && !mcp ? changeRefusal(role, method + " " + path)
                    : Optional.empty();
        };
    }

    /**
     * Why {@code role} may not change stored data, or empty when it may: for a request whose path
     * alone does not say whether it changes data (an MCP tool call), {@code what} names the change.
     */
    public static Optional<String> changeRefusal(Role role, String what) {
        return switch (role) {
            case FULL -> Optional.empty();
            case INGEST -> Optional.of("an ingest key (--ingest-token) can only send OTLP; " + what
                    + " needs the --auth-token");
            case VIEWER -> Optional.of("a viewer key (--viewer-token) can only read; " + what
                    + " changes data and needs the --auth-token");
        };
    }
}
