package dev.tta.obs.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL for the load generator, on loopback, until the process is stopped: prints the JDBC
 * URL to pass as {@code --server-args="--storage=postgres --db-url=URL --db-user=postgres"}.
 * Same classpath as {@link LoadGenerator}; see docs/performance.md.
 */
public final class EmbeddedPostgresServer {
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("tta-obs-bench-pg");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                .setServerConfig("listen_addresses", "127.0.0.1")
                // the embedded defaults trade durability for test speed; a benchmark of acknowledged spans must not
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .start();
        System.out.println("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }));
        Thread.currentThread().join();
    }
}
