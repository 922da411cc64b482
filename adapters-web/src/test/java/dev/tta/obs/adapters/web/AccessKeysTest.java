package dev.tta.obs.adapters.web;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.tta.obs.adapters.web.AccessKeys.Role.FULL;
import static dev.tta.obs.adapters.web.AccessKeys.Role.INGEST;
import static dev.tta.obs.adapters.web.AccessKeys.Role.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessKeysTest {
    private final AccessKeys keys = new AccessKeys(Optional.of("admin"), List.of("app-1", " app-2 "), List.of("alice"));

    @Test
    void eachKeyHasItsRole_anythingElseNone() {
        assertThat(keys.roleOf("admin")).contains(FULL);
        assertThat(keys.roleOf("app-2")).contains(INGEST);
        assertThat(keys.roleOf("alice")).contains(VIEWER);
        assertThat(keys.roleOf("Alice")).isEmpty();
        assertThat(keys.roleOf("")).isEmpty();
        assertThat(keys.roleOf(null)).isEmpty();
        assertThat(keys.roleOfAuthorization("Bearer app-1")).contains(INGEST);
        assertThat(keys.roleOfAuthorization("bearer alice")).contains(VIEWER);
        assertThat(keys.roleOfAuthorization("Basic YWRtaW4=")).isEmpty();
        assertThat(keys.required()).isTrue();
        assertThat(AccessKeys.NONE.required()).isFalse();
    }

    @Test
    void ingestSendsOnly_viewerReadsOnly_fullDoesAll() {
        assertThat(AccessKeys.refusal(INGEST, "POST", "/v1/traces")).isEmpty();
        assertThat(AccessKeys.refusal(INGEST, "GET", "/api/traces")).get().asString().startsWith("an ingest key");
        assertThat(AccessKeys.refusal(INGEST, "POST", "/mcp")).isPresent();
        assertThat(AccessKeys.refusal(INGEST, "GET", "/api/live")).isPresent();

        assertThat(AccessKeys.refusal(VIEWER, "GET", "/api/traces")).isEmpty();
        assertThat(AccessKeys.refusal(VIEWER, "GET", "/api/live")).isEmpty();
        // MCP's tools only read, though every call is a POST
        assertThat(AccessKeys.refusal(VIEWER, "POST", "/mcp")).isEmpty();
        assertThat(AccessKeys.refusal(VIEWER, "DELETE", "/api/traces/4bf92f3577b34da6a3ce929d0e0e4736")).get().asString()
                .isEqualTo("a viewer key (--viewer-token) can only read; DELETE /api/traces/4bf92f3577b34da6a3ce929d0e0e4736 "
                        + "changes data and needs the --auth-token");
        assertThat(AccessKeys.refusal(VIEWER, "POST", "/api/import")).isPresent();
        assertThat(AccessKeys.refusal(VIEWER, "POST", "/v1/traces")).get().asString().startsWith("a viewer key");

        for (String[] r : new String[][] {{"POST", "/v1/logs"}, {"DELETE", "/api/traces"}, {"POST", "/api/import"}, {"POST", "/mcp"}}) {
            assertThat(AccessKeys.refusal(FULL, r[0], r[1])).isEmpty();
        }
        // ...but an MCP tool that writes is refused to the viewer by name, when it is called
        assertThat(AccessKeys.changeRefusal(VIEWER, "add_feedback")).contains("a viewer key (--viewer-token) can only "
                + "read; add_feedback changes data and needs the --auth-token");
        assertThat(AccessKeys.changeRefusal(INGEST, "add_feedback")).get().asString().startsWith("an ingest key");
        assertThat(AccessKeys.changeRefusal(FULL, "add_feedback")).isEmpty();
    }

    @Test
    void roleKeysNeedTheFullKey_andAKeyHasOneRole() {
        assertThatThrownBy(() -> new AccessKeys(Optional.empty(), List.of("app"), List.of()))
                .hasMessage("--ingest-token and --viewer-token need --auth-token too: the full-access key is the one "
                        + "that can delete and import");
        assertThatThrownBy(() -> new AccessKeys(Optional.of("k"), List.of(), List.of("k")))
                .hasMessage("the same key is given as --auth-token and as --viewer-token; a key has one role");
        assertThatThrownBy(() -> new AccessKeys(Optional.of("k"), List.of("x"), List.of("x")))
                .hasMessage("the same key is given as --ingest-token and as --viewer-token; a key has one role");
        assertThatThrownBy(() -> new AccessKeys(Optional.of("k"), List.of("a\tb"), List.of()))
                .hasMessageStartingWith("--ingest-token: a key may not hold control characters");
        // the same key twice in one role is harmless
        assertThat(new AccessKeys(Optional.of("k"), List.of("x", "x"), List.of()).roleOf("x")).contains(INGEST);
        assertThat(new AccessKeys(Optional.empty(), List.of(), List.of()).required()).isFalse();
    }
}
