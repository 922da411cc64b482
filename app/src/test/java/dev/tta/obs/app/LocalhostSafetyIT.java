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
    void authToken_isRequiredOnRestWebSocketAndOtlp() throws Exception {
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

        RawHttp.Reply wsNoToken = RawHttp.send(service.port, "GET", "/api/live", own(), "Upgrade: websocket",
                "Connection: Upgrade", WS_KEY, WS_VERSION);
        assertThat(wsNoToken.status()).isEqualTo(401);
        RawHttp.Reply wsBearer = RawHttp.send(service.port, "GET", "/api/live", own(), "Upgrade: websocket",
                "Connection: Upgrade", WS_KEY, WS_VERSION, "Authorization: Bearer s3cret-token");
        assertThat(wsBearer.status()).isEqualTo(101);
    }

    @Test
    void authToken_isNeverGivenToARequestThatDidNotPresentIt() throws Exception {
        service = new RunningService(dataDir, "--auth-token=s3cret-token");
        // what `curl -si localhost:PORT/` (or any visitor through a reverse proxy on this host) sees
        for (String path : new String[] {"/", "/index.html", "/login", "/?embed=1", "/js/api.js", "/api/traces",
                "/api/health", "/nope"}) {
            RawHttp.Reply r = RawHttp.send(service.port, "GET", path, own());
            assertThat(r.head() + r.body()).as(path).doesNotContain("s3cret-token")
                    .doesNotContainIgnoringCase("set-cookie");
        }
        RawHttp.Reply page = RawHttp.send(service.port, "GET", "/", own());
        assertThat(page.status()).as("a browser without the cookie is sent to log in").isEqualTo(303);
        assertThat(page.head()).containsIgnoringCase("\r\nlocation: /login");
        RawHttp.Reply form = RawHttp.send(service.port, "GET", "/login", own());
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("<form method=\"post\" action=\"/login\"");
    }

    @Test
    void startupLink_tradesTheTokenForAnHttpOnlyStrictCookie_andRedirectsToAUrlWithoutIt() throws Exception {
        service = new RunningService(dataDir, "--auth-token=s3cret-token");

        RawHttp.Reply link = RawHttp.send(service.port, "GET", "/?token=s3cret-token&trace=abc", own());
        assertThat(link.status()).isEqualTo(303);
        String location = header(link, "location");
        assertThat(location).isEqualTo("/?trace=abc").doesNotContain("token=");
        assertThat(header(link, "referrer-policy")).isEqualTo("no-referrer");
        String setCookie = header(link, "set-cookie");
        assertThat(setCookie).startsWith("tta_obs_token_" + service.port + "=").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict").containsIgnoringCase("Path=/")
                .doesNotContain("s3cret-token");
        assertThat(link.body()).doesNotContain("s3cret-token");
        String cookie = "Cookie: " + setCookie.substring(0, setCookie.indexOf(';'));

        // the cookie opens the dashboard, the API and the live feed, and nothing hands out more
        RawHttp.Reply dashboard = RawHttp.send(service.port, "GET", location, own(), cookie);
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.head() + dashboard.body()).doesNotContain("s3cret-token").doesNotContainIgnoringCase("set-cookie");
        assertThat(RawHttp.send(service.port, "GET", "/api/traces", own(), cookie).status()).isEqualTo(200);
        RawHttp.Reply ws = RawHttp.send(service.port, "GET", "/api/live", own(), "Upgrade: websocket",
                "Connection: Upgrade", WS_KEY, WS_VERSION, "Origin: http://localhost:" + service.port, cookie);
        assertThat(ws.status()).isEqualTo(101);
        // a cookie is not a Bearer token and a Bearer token is not a cookie value
        String value = cookie.substring(cookie.indexOf('=') + 1);
        assertThat(RawHttp.send(service.port, "GET", "/api/traces", own(), "Authorization: Bearer " + value).status())
                .isEqualTo(401);
        assertThat(RawHttp.send(service.port, "GET", "/api/traces", own(),
                "Cookie: tta_obs_token_" + service.port + "=s3cret-token").status()).isEqualTo(401);
    }

    @Test
    void printedLink_works_forATokenWithAmpersandPlusAndSpace() throws Exception {
        String token = "p&ss+w rd=1";
        service = new RunningService(dataDir, "--auth-token=" + token);

        String link = StartCommand.dashboardLink("http://localhost:" + service.port, token);
        RawHttp.Reply reply = RawHttp.send(service.port, "GET", link.substring(link.indexOf("/", "http://".length())), own());
        assertThat(reply.status()).as(link).isEqualTo(303);
        assertThat(header(reply, "location")).isEqualTo("/");
        String setCookie = header(reply, "set-cookie");
        assertThat(RawHttp.send(service.port, "GET", "/api/traces", own(),
                "Cookie: " + setCookie.substring(0, setCookie.indexOf(';'))).status()).isEqualTo(200);
    }

    @Test
    void wrongToken_getsNoCookie_andTheWrongTokenLeavesTheAddressBarToo() throws Exception {
        service = new RunningService(dataDir, "--auth-token=s3cret-token");
        RawHttp.Reply link = RawHttp.send(service.port, "GET", "/?token=s3cret-tokeN", own());
        assertThat(link.status()).isEqualTo(303);
        assertThat(header(link, "location")).isEqualTo("/login?wrong");
        assertThat(link.hasHeader("set-cookie")).isFalse();
        RawHttp.Reply told = RawHttp.send(service.port, "GET", "/login?wrong", own());
        assertThat(told.body()).contains("not the one this tta-obs was started with");

        HttpResponse<String> wrongForm = service.send(service.request("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=guess")));
        assertThat(wrongForm.statusCode()).isEqualTo(401);
        assertThat(wrongForm.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(wrongForm.body()).doesNotContain("s3cret-token");
    }

    @Test
    void loginForm_setsTheCookie_butNotWhenPostedFromAForeignPage() throws Exception {
        service = new RunningService(dataDir, "--auth-token=s3cret-token");
        HttpResponse<String> posted = service.send(service.request("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=s3cret-token")));
        assertThat(posted.statusCode()).isEqualTo(303);
        assertThat(posted.headers().firstValue("Location")).contains("/");
        String setCookie = posted.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict")
                .doesNotContain("s3cret-token");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(service.send(service.request("/api/traces").header("Cookie", cookie)).statusCode()).isEqualTo(200);

        // login CSRF: another page may not log the browser in under a token of its choosing
        RawHttp.Reply foreign = RawHttp.send(service.port, "POST", "/login", own(), "Origin: https://evil.example",
                "Content-Type: application/x-www-form-urlencoded");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.hasHeader("set-cookie")).isFalse();
    }

    @Test
    void behindAnHttpsProxy_theCookieIsSecure() throws Exception {
        service = new RunningService(dataDir, "--auth-token=s3cret-token");
        RawHttp.Reply link = RawHttp.send(service.port, "GET", "/?token=s3cret-token", own(), "X-Forwarded-Proto: https");
        assertThat(header(link, "set-cookie")).containsIgnoringCase("Secure");
    }

    @Test
    void authTokenFile_keepsTheTokenOutOfTheCommandLine() throws Exception {
        Path file = dataDir.resolve("token");
        java.nio.file.Files.writeString(file, "from-a-file\n");
        service = new RunningService(dataDir.resolve("data"), "--auth-token-file=" + file);
        assertThat(service.get("/api/traces").statusCode()).isEqualTo(401);
        assertThat(service.send(service.request("/api/traces").header("Authorization", "Bearer from-a-file"))
                .statusCode()).isEqualTo(200);
    }

    private static String header(RawHttp.Reply reply, String name) {
        return reply.head().lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(l -> l.substring(name.length() + 1).trim()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + reply.head()));
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
