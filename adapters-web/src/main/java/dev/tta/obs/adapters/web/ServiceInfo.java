package dev.tta.obs.adapters.web;

/** What the running service tells about itself; the app builds it from its configuration. */
public record ServiceInfo(String version, String storage) {
}
