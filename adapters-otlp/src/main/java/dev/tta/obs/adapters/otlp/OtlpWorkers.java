package dev.tta.obs.adapters.otlp;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that decompress and decode OTLP/HTTP bodies: one per core, with a short queue. A
 * body is handed over only once it has arrived whole, so a slow client holds no thread, and the
 * work of a burst waits here instead of starting a thread per request (the server's blocking
 * executor grew to one thread per connection). When the queue is full the export is refused
 * with 429 and {@code Retry-After}, which every OTLP exporter retries.
 */
@Singleton
@Bean(preDestroy = "close")
public class OtlpWorkers implements Executor {
    private final ThreadPoolExecutor pool;

    public OtlpWorkers(@Value("${tta.otlp.workers:0}") int workers, @Value("${tta.otlp.worker-queue:0}") int queue) {
        int threads = workers > 0 ? workers : Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue > 0 ? queue : 64 * threads), r -> {
                    Thread t = new Thread(r, "tta-obs-otlp-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /** @throws java.util.concurrent.RejectedExecutionException when the queue is full */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    public void close() {
        pool.shutdownNow();
    }
}
