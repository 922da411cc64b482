package dev.tta.obs.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

import static dev.tta.obs.app.OtlpRequests.service;
import static dev.tta.obs.app.OtlpRequests.traceHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each protection proven with real requests: what a web page the developer visits (or a
 * DNS-rebinding attack) could send, refused; what the developer's own tools send, served.
 */
class LocalhostSafetyIT {
    private static final String WS_KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
    private static final String WS_VERSION = "Sec-WebSocket-Version: 13";

    @TempDir
    Path dataDir;
    RunningService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private String own() {
        return "Host: localhost:" + service.port;
    }

    @Test
    void foreignHostHeader_isRefused_soDnsRebindingReadsNothing() throws Exception {
        service = new RunningService(dataDir);
        service.export(service("checkout").span(1, 0, -1, "secret-prompt", 0, 10, false).bytes());

        RawHttp.Reply rebound = RawHttp.send(service.port, "GET", "/api/traces", "Host: attacker.example:" + service.port);
        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.body()).doesNotContain("secret-prompt").contains("Host not allowed");
        assertThat(RawHttp.send(service.port, "GET", "/", "Host: attacker.example").status()).isEqualTo(403);

        for (String ok : new String[] {"localhost", "127.0.0.1", "[::1]"}) {
            RawHttp.Reply r = RawHttp.send(service.port, "GET", "/api/traces", "Host: " + ok + ":" + service.port);
            assertThat(r.status()).as(ok).isEqualTo(200);
            assertThat(r.body()).contains("secret-prompt");
        }
    }

    @Test
    void foreignOrigin_cannotChangeDataOrSendSpans_andGetsNoCorsHeaders() throws Exception {
        service = new RunningService(dataDir);
        service.export(service("checkout").span(1, 0, -1, "kept", 0, 10, false).bytes());

        RawHttp.Reply wipe = RawHttp.send(service.port, "DELETE", "/api/traces", own(), "Origin: https://evil.example");
        assertThat(wipe.status()).isEqualTo(403);
        assertThat(wipe.body()).contains("Origin not allowed");
        RawHttp.Reply spans = RawHttp.send(service.port, "POST", "/v1/traces", own(), "Origin: https://evil.example",
                "Content-Type: application/x-protobuf");
        assertThat(spans.status()).isEqualTo(403);
        assertThat(service.getJson("/api/traces").get("traces")).hasSize(1);

        RawHttp.Reply read = RawHttp.send(service.port, "GET", "/api/traces", own(), "Origin: https://evil.example");
        assertThat(read.hasHeader("access-control-allow-origin")).as("no CORS, so the page cannot read it").isFalse();

        RawHttp.Reply sameOrigin = RawHttp.send(service.port, "DELETE", "/api/traces/" + traceHex(1), own(),
                "Origin: http://localhost:" + service.port);
        assertThat(sameOrigin.status()).isEqualTo(204);
    }

    @Test
    void webSocketUpgrade_fromForeignOrigin_isRefused() throws Exception {
        service = new RunningService(dataDir);
        RawHttp.Reply evil = RawHttp.send(service.port, "GET", "/api/live", own(), "Upgrade: websocket",
                "Connection: Upgrade", WS_KEY, WS_VERSION, "Origin: https://evil.example");
        assertThat(evil.status()).isEqualTo(403);
        RawHttp.Reply mine = RawHttp.send(service.port, "GET", "/api/live", own(), "Upgrade: websocket",
                "Connection: Upgrade", WS_KEY, WS_VERSION, "Origin: http://localhost:" + service.port);
        assertThat(mine.status()).isEqualTo(101);
    }

    @Test
    void authToken_isRequiredOnRestWebSocketAndOtlp_andTheDashboardGetsItAsACookie() throws Exception {
        service = new RunningService(dataDir, "--auth-token=s3cret-token");
        byte[] otlp = service("checkout").span(1, 0, -1, "guarded", 0, 10, false).bytes();

        assertThat(service.get("/api/traces").statusCode()).isEqualTo(401);
        assertThat(service.get("/api/traces").headers().firstValue("Content-Type")).get().asString()
                .contains("problem+json");
        assertThat(service.post("/v1/traces", "application/x-protobuf", otlp).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = service.send(service.request("/api/traces").header("Authorization", "Bearer nope"));
        assertThat(wrong.statusCode()).isEqualTo(401);

        HttpResponse<String> posted = service.send(service.request("/v1/traces")
                .header("Authorization", "Bearer s3cret-token").header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(otlp)));
        assertThat(posted.statusCode()).isEqualTo(200);
        HttpResponse<String> listed = service.send(service.request("/api/traces")
                .header("Authorization", "Bearer s3cret-token"));
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains("guarded");

        // the browser: loading the page from this machine hands it the token as an HttpOnly cookie
        HttpResponse<String> page = service.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("tta_obs_token_" + service.port + "=s3cret-token").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        HttpResponse<String> withCookie = service.send(service.request("/api/traces").header("Cookie", cookie));
        assertThat(withCookie.statusCode()).isEqualTo(200);

        RawHttp.Reply wsNoToken = RawHttp.send(service.port, "GET", "/api/live", own(), "Upgrade: websocket",
                "Connection: Upgrade", WS_KEY, WS_VERSION);
        assertThat(wsNoToken.status()).isEqualTo(401);
        RawHttp.Reply wsCookie = RawHttp.send(service.port, "GET", "/api/live", own(), "Upgrade: websocket",
                "Connection: Upgrade", WS_KEY, WS_VERSION, "Cookie: " + cookie);
        assertThat(wsCookie.status()).isEqualTo(101);
    }

    @Test
    void byDefault_onlyLoopbackCanConnect() throws Exception {
        StartCommand defaults = new StartCommand();
        new picocli.CommandLine(defaults).parseArgs();
        assertThat(defaults.host).isEqualTo("127.0.0.1");

        service = new RunningService(dataDir);
        Optional<InetAddress> lan = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        if (lan.isPresent()) {
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(lan.get(), service.port), 2000);
                }
            }).as("not reachable on " + lan.get()).isInstanceOf(java.io.IOException.class);
        }
    }
}
