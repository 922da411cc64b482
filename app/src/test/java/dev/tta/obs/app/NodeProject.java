package dev.tta.obs.app;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An npm project under the test sources that a test runs with node. Without its packages the test
 * is skipped, so `./mvnw verify` works on a machine without npm; CI sets {@code requiredBy} to 1
 * so that a missing install fails instead of passing unnoticed.
 */
final class NodeProject {
    private NodeProject() {
    }

    /**
     * @param packages   the packages the test needs, as paths below node_modules
     * @param requiredBy the environment variable that turns a missing install into a failure
     */
    static void requireInstalled(Path dir, String what, String requiredBy, String... packages) {
        boolean installed = true;
        for (String p : packages) {
            installed &= Files.isDirectory(dir.resolve("node_modules").resolve(p));
        }
        String why = what + " not installed: run `npm ci` in " + dir;
        if ("1".equals(System.getenv(requiredBy))) {
            assertThat(installed).as(why + " (" + requiredBy + "=1)").isTrue();
        }
        Assumptions.assumeTrue(installed, why);
    }
}
