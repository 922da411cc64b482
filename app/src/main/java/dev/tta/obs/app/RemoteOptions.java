package dev.tta.obs.app;

import picocli.CommandLine.Option;

import java.util.Optional;

/** `--url` and `--auth-token`: the export and import commands talk to a running service with them. */
final class RemoteOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = "Talk to a running tta-obs (e.g. http://localhost:8765) instead of opening the database.")
    String url;

    @Option(names = "--auth-token", paramLabel = "TOKEN", description = "The service's --auth-token, for --url.")
    String authToken;

    boolean remote() {
        return url != null;
    }

    RemoteService service() {
        return new RemoteService(url, Optional.ofNullable(authToken));
    }
}
