package dev.tta.obs.app;

import picocli.CommandLine;

/** The version from the jar manifest; "dev" when run from classes in an IDE or a test. */
final class Version implements CommandLine.IVersionProvider {
    static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"tta-obs " + current()};
    }
}
