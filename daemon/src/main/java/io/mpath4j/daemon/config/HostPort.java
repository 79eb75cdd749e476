package io.mpath4j.daemon.config;

/**
 * {@code host[:port]}: an IPv4 address or host name, or an IPv6 address in brackets
 * ({@code [::1]:3260}), as iscsiadm and nbd-server write portals.
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
    }

    /** @throws IllegalArgumentException naming the problem */
    public static HostPort parse(String text, int defaultPort) {
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("\"" + text + "\": the IPv6 address lacks its closing ]");
            }
            host = text.substring(1, close);
            if (host.indexOf(':') < 0 || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw new IllegalArgumentException("\"" + text + "\": [" + host + "] is not an IPv6 address");
            }
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("\"" + text + "\": expected :port after ]");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("\"" + text + "\": write an IPv6 address in brackets, e.g. [" + text + "]:3260");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
            if (host.isEmpty() || !host.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
                throw new IllegalArgumentException("\"" + text + "\": \"" + host + "\" is not a host name or IPv4 address");
            }
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + text + "\": port \"" + port + "\" is not a number");
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("\"" + text + "\": port " + p + " is not in 1..65535");
            }
        }
        return new HostPort(host, p);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
