package dev.tta.obs.app;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** What a bind address means for who may reach us, and under which Host names. */
final class BindAddress {
    private BindAddress() {
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /**
     * Host-header names that reach this server when bound to {@code host}: the host itself, or for
     * a wildcard bind every address of this machine and its host name.
     */
    static Set<String> namesOf(String host) {
        Set<String> names = new LinkedHashSet<>();
        if (!isWildcard(host)) {
            names.add(bracketed(host.toLowerCase(Locale.ROOT)));
            return names;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    String ip = a.getHostAddress();
                    int zone = ip.indexOf('%');
                    names.add(bracketed(zone < 0 ? ip : ip.substring(0, zone)));
                }
            }
        } catch (SocketException ignored) {
            // no interface list: loopback names and an explicit --allowed-host still work
        }
        try {
            names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException ignored) {
            // no resolvable host name: addresses still work
        }
        return names;
    }

    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
