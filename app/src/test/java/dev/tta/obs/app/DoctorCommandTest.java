package dev.tta.obs.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out) {
    }

    private static Run doctor(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CommandLine(new DoctorCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8))).execute(args);
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void freePortsAndANewDataDirectory_passEveryCheck() throws Exception {
        int port = freePort();
        Run r = doctor("--port=" + port, "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + dir.resolve("new"));

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("ok    java ").contains(port + " on 127.0.0.1 is free")
                .contains("does not exist yet; the first start creates it").contains("no database yet")
                .doesNotContain("FAIL");
        assertThat(r.out().lines()).allMatch(l -> l.startsWith("ok "));
    }

    @Test
    void aPortTakenByAnotherProgram_failsAndSaysWho() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            Run r = doctor("--port=" + port, "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + dir);

            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).containsPattern("FAIL +port +" + port + " on 127.0.0.1 is taken by (process "
                    + ProcessHandle.current().pid() + " |another program)");
        }
    }

    @Test
    void aDamagedDatabase_fails() throws Exception {
        Files.write(dir.resolve(StorageOptions.DATABASE_FILE), "not a database, just text".repeat(200).getBytes());

        Run r = doctor("--port=" + freePort(), "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + dir);

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).containsPattern("FAIL +database +.*tta-obs.sqlite");
        assertThat(r.out()).containsPattern("ok +data +.* is writable");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
