package dev.tta.obs.adapters.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Hidden;

import java.util.Optional;

/**
 * The form where a browser that has no start-up link presents the --auth-token or a viewer key once. The link
 * itself ({@code /?token=...}) is exchanged by {@link LocalhostGuard} before any page is served.
 */
@Hidden
@Controller(DashboardLogin.LOGIN_PATH)
public class LoginController {
    static final String LOGIN_REFUSED_INGEST = "That is an ingest key: it can send telemetry, not open the dashboard. "
            + "Use a viewer key or the --auth-token.";

    private final Optional<DashboardLogin> login;

    public LoginController(WebSecurity security) {
        this.login = security.keys().required() ? Optional.of(new DashboardLogin(security.keys())) : Optional.empty();
    }

    @Get(produces = MediaType.TEXT_HTML)
    public MutableHttpResponse<?> form(HttpRequest<?> request, @Nullable @QueryValue String wrong) {
        if (login.isEmpty() || login.get().hasSessionCookie(request)) {
            return DashboardLogin.redirect("/");
        }
        return DashboardLogin.form(wrong != null);
    }

    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.TEXT_HTML)
    public MutableHttpResponse<?> submit(HttpRequest<?> request, @Nullable @Body("token") String token) {
        if (login.isEmpty()) {
            return DashboardLogin.redirect("/");
        }
        Optional<AccessKeys.Role> role = login.get().roleOf(token);
        if (role.isEmpty()) {
            return DashboardLogin.form(true);
        }
        if (role.get() == AccessKeys.Role.INGEST) {
            return DashboardLogin.form(LOGIN_REFUSED_INGEST);
        }
        return login.get().loggedIn(request, "/", token);
    }
}
