package dev.tta.obs.app;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what HTTP clients can hold, on every HTTP port: the number of open connections (beyond
 * {@code tta.http.max-connections} a new one is answered 503 with {@code Retry-After} and closed)
 * and the time a request may take to arrive. Its headers must be complete within
 * {@code tta.http.request-timeout} of its first byte (of the connection's opening, for the first
 * request), and its body within the same time from the headers, extended by a second for every
 * {@code tta.http.min-body-rate} bytes received: a client that stalls or drips is answered 408
 * and closed within seconds, while any client sending at that rate or faster is never cut. The
 * model is Apache's mod_reqtimeout. What the server does with a request once it has arrived is not
 * timed here, and neither is a connection between requests or after a WebSocket upgrade.
 *
 * <p>Also answers a request line longer than the server's limit 414 (URI Too Long) and too large
 * headers 431, where the server would say 413.
 */
@Singleton
final class HttpConnectionGuard implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    private static final String GUARD = "tta-obs-connection-guard";
    private static final String WATCH = "tta-obs-request-watch";

    private final int maxConnections;
    private final long timeoutNanos;
    private final long minBodyRate;
    private final AtomicInteger open = new AtomicInteger();

    HttpConnectionGuard(@Value("${tta.http.max-connections:1024}") int maxConnections,
                        @Value("${tta.http.request-timeout:10s}") Duration requestTimeout,
                        @Value("${tta.http.min-body-rate:16384}") long minBodyRate) {
        this.maxConnections = maxConnections;
        this.timeoutNanos = requestTimeout.toNanos();
        this.minBodyRate = Math.max(1, minBodyRate);
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    /** Open HTTP connections now, for tests and health. */
    int openConnections() {
        return open.get();
    }

    private final class Customizer implements NettyServerCustomizer {
        private final Channel channel;

        Customizer(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : this;
        }

        @Override
        public void onInitialPipelineBuilt() {
            install();
        }

        @Override
        public void onStreamPipelineBuilt() {
            install();
        }

        private void install() {
            if (channel == null) {
                return;
            }
            ChannelPipeline pipeline = channel.pipeline();
            Connection connection = (Connection) pipeline.get(GUARD);
            if (connection == null) {
                connection = new Connection();
                pipeline.addFirst(GUARD, connection);
            }
            if (pipeline.get(WATCH) == null && pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null) {
                pipeline.addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, WATCH, connection.watch);
            }
        }
    }

    private enum Phase { HEADERS, BODY, SERVED, UPGRADED }

    /**
     * One connection's guard. It sits first in the pipeline, where it sees the bytes as they come
     * and can answer without the HTTP machinery; its {@link #watch} sits after the HTTP decoder,
     * where it sees where a request's headers and body end and whether a response has started.
     * Everything runs on the connection's event loop.
     */
    private final class Connection extends ChannelDuplexHandler {
        final Watch watch = new Watch();
        private boolean counted;
        private boolean refused;
        /** An answer went out before its request's body had arrived (a 413 on the declared length). */
        private boolean answeredEarly;
        private boolean lingering;
        private Phase phase = Phase.HEADERS;
        private long phaseStart;
        private long bodyBytes;
        private boolean responseStarted;
        private ScheduledFuture<?> check;
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            counted = true;
            if (open.incrementAndGet() > maxConnections) {
                refuse(ctx);
                return;
            }
            startPhase(Phase.HEADERS);
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (counted) {
                counted = false;
                open.decrementAndGet();
            }
            cancelCheck();
            if (!refused) {
                super.channelInactive(ctx);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (refused || lingering) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (phase == Phase.SERVED && msg instanceof ByteBuf b && b.isReadable()) {
                // the first bytes of the next request on a kept-alive connection
                startPhase(Phase.HEADERS);
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            if (refused || lingering) {
                ctx.read();
                return;
            }
            super.channelReadComplete(ctx);
        }

        /**
         * Over the limit: the answer is written at once, but the connection is closed only after
         * reading what the client sent for a moment; closing with its request unread would reset
         * the connection, and the client could lose the 503 before reading it.
         */
        private void refuse(ChannelHandlerContext ctx) {
            refused = true;
            ctx.writeAndFlush(rawResponse(503, "Service Unavailable", "Retry-After: 1\r\n",
                    "tta-obs has " + maxConnections + " connections open, its limit; retry shortly"))
                    .addListener((ChannelFutureListener) f -> {
                        if (f.channel() instanceof DuplexChannel duplex) {
                            duplex.shutdownOutput();
                        }
                    });
            ctx.read();
            ctx.executor().schedule(() -> {
                ctx.close();
            }, 1, TimeUnit.SECONDS);
        }

        /**
         * Closing a connection whose request body is still arriving would reset it, and the client,
         * still sending, could lose the answer (a 413 for a body over the limit) before reading it:
         * the server's side is shut down after the answer, what the client still sends is read and
         * dropped for a moment, and then the connection is closed, as {@link #refuse} does.
         */
        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
            if (!answeredEarly || lingering || refused || !ctx.channel().isActive()
                    || !(ctx.channel() instanceof DuplexChannel duplex)) {
                super.close(ctx, promise);
                return;
            }
            lingering = true;
            cancelCheck();
            // after every queued write: shutting the output down fails what is still unflushed
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> duplex.shutdownOutput());
            ctx.read();
            ctx.executor().schedule(() -> {
                ctx.close(promise);
            }, 1, TimeUnit.SECONDS);
        }

        private void startPhase(Phase next) {
            phase = next;
            phaseStart = System.nanoTime();
            bodyBytes = 0;
            if ((next == Phase.HEADERS || next == Phase.BODY) && check == null && ctx != null) {
                check = ctx.executor().schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
            }
        }

        private long deadline() {
            long allowance = timeoutNanos;
            if (phase == Phase.BODY) {
                allowance += bodyBytes * 1_000_000_000L / minBodyRate;
            }
            return phaseStart + allowance;
        }

        private void check() {
            check = null;
            if (phase != Phase.HEADERS && phase != Phase.BODY || !ctx.channel().isActive()) {
                return;
            }
            long left = deadline() - System.nanoTime();
            if (left > 0) {
                check = ctx.executor().schedule(this::check, left, TimeUnit.NANOSECONDS);
                return;
            }
            phase = Phase.SERVED;
            if (responseStarted) {
                ctx.close();
            } else {
                // straight to the socket: the HTTP handlers behind may still wait for this body
                ctx.writeAndFlush(rawResponse(408, "Request Timeout", "", "the request did not arrive within "
                        + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s (or its body slower than "
                        + minBodyRate + " bytes/s); the connection is closed"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void cancelCheck() {
            if (check != null) {
                check.cancel(false);
                check = null;
            }
        }

        /** After the HTTP decoder: request boundaries in, response starts out. */
        private final class Watch extends ChannelDuplexHandler {
            @Override
            public void channelRead(ChannelHandlerContext wctx, Object msg) throws Exception {
                if (msg instanceof HttpRequest request) {
                    Throwable failure = request.decoderResult().cause();
                    if (failure instanceof TooLongFrameException) {
                        ReferenceCountUtil.release(msg);
                        tooLong(failure);
                        return;
                    }
                    responseStarted = false;
                    startPhase(Phase.BODY);
                }
                if (msg instanceof HttpContent content) {
                    bodyBytes += content.content().readableBytes();
                    if (msg instanceof LastHttpContent) {
                        phase = Phase.SERVED;
                    }
                }
                super.channelRead(wctx, msg);
            }

            @Override
            public void write(ChannelHandlerContext wctx, Object msg, ChannelPromise promise) throws Exception {
                if (msg instanceof HttpResponse response) {
                    int code = response.status().code();
                    if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                        phase = Phase.UPGRADED;
                        cancelCheck();
                    }
                    // a 100 Continue is not the answer: the body it asks for is still timed, and a 408 may follow
                    if (code >= 200 || code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                        responseStarted = true;
                        answeredEarly = phase == Phase.BODY;
                    }
                }
                super.write(wctx, msg, promise);
            }

            private void tooLong(Throwable failure) {
                phase = Phase.SERVED;
                String answer;
                if (failure instanceof TooLongHttpLineException) {
                    answer = rawResponseText(414, "URI Too Long", "", "the request line (method, path and query) "
                            + "is longer than the server accepts; send fewer or shorter query parameters");
                } else if (failure instanceof TooLongHttpHeaderException) {
                    answer = rawResponseText(431, "Request Header Fields Too Large", "",
                            "the request headers are larger than the server accepts");
                } else {
                    answer = rawResponseText(413, "Content Too Large", "", "a part of the request is too large: "
                            + failure.getMessage());
                }
                ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private static ByteBuf rawResponse(int status, String reason, String extraHeaders, String detail) {
        return Unpooled.copiedBuffer(rawResponseText(status, reason, extraHeaders, detail), StandardCharsets.UTF_8);
    }

    /** A whole HTTP/1.1 response with an RFC 9457 problem, as the API's errors are shaped. */
    private static String rawResponseText(int status, String reason, String extraHeaders, String detail) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + reason + "\",\"status\":" + status
                + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        return "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/problem+json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + extraHeaders
                + "Connection: close\r\n\r\n"
                + body;
    }
}
