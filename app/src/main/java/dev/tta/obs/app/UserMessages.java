package dev.tta.obs.app;

import dev.tta.obs.domain.cost.PriceFileException;
import dev.tta.obs.ports.out.StoreUnavailableException;

import java.net.BindException;

/** Turns a failure into the one sentence a user can act on. */
final class UserMessages {
    private UserMessages() {
    }

    static String describe(Throwable e) {
        if (e instanceof IllegalArgumentException && e.getMessage() != null) {
            // our own validation messages are written for users already
            return e.getMessage();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PortInUseException || t instanceof DataDirectoryLock.DataDirectoryException) {
                return t.getMessage();
            }
            if (t instanceof StoreUnavailableException) {
                return StoreAdvice.withAdvice(t.getMessage());
            }
            if (t instanceof PriceFileException) {
                return t.getMessage();
            }
            if (t instanceof java.nio.file.NoSuchFileException f) {
                return "no such file: " + f.getFile();
            }
            if (t instanceof BindException b) {
                return "a port is already in use (" + b.getMessage() + "); choose another with --port";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return msg == null || msg.isBlank() ? root.getClass().getSimpleName() : msg;
    }
}
