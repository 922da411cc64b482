package dev.tta.obs.app;

/** A port tta-obs must own is taken; the message names the flag that moves it. */
final class PortInUseException extends RuntimeException {
    PortInUseException(String message) {
        super(message);
    }
}
