package dev.tta.obs.domain.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Where a page of sessions ended: the next starts strictly after this (sort key, session id). The
 * key is a time or a duration in nanoseconds, a turn count, or a cost's IEEE bits (-1.0's when
 * unknown), as {@link SessionSort} orders.
 */
public record SessionCursor(long sortKey, String sessionId) {
    public SessionCursor {
        Objects.requireNonNull(sessionId, "sessionId");
    }

    /** The session id is any text, so it travels base64url-encoded. */
    public String encode() {
        return sortKey + "_" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sessionId.getBytes(StandardCharsets.UTF_8));
    }

    public static SessionCursor decode(String token) {
        int sep = token.indexOf('_', token.startsWith("-") ? 1 : 0);
        try {
            if (sep <= 0) {
                throw new IllegalArgumentException("no separator");
            }
            return new SessionCursor(Long.parseLong(token.substring(0, sep)),
                    new String(Base64.getUrlDecoder().decode(token.substring(sep + 1)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this server issued: '" + token + "'");
        }
    }
}
