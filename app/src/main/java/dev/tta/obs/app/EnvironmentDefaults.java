package dev.tta.obs.app;

import picocli.CommandLine;

import java.util.Locale;
import java.util.Map;

/**
 * Every option can also come from the environment: {@code --otlp-grpc-port} from
 * {@code TTA_OBS_OTLP_GRPC_PORT}. A flag on the command line wins.
 */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> env;

    EnvironmentDefaults(Map<String, String> env) {
        this.env = env;
    }

    static String variableFor(String longOption) {
        return "TTA_OBS_" + longOption.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (argSpec instanceof CommandLine.Model.OptionSpec option) {
            String value = env.get(variableFor(option.longestName()));
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }
}
