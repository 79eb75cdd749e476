package io.mpath4j.iscsi.login;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A TargetAddress value (RFC 7143 §13.8): {@code domainname[:port][,portal-group-tag]}, where the
 * domain name is a DNS name, an IPv4 address, or an IPv6 address in brackets (RFC 3986 style,
 * §13.8: "IPv6 addresses ... enclosed in '[' and ']'"). The port defaults to 3260 (§13.8, IANA).
 *
 * @param host the host without brackets
 */
public record TargetPortal(String host, int port, OptionalInt portalGroupTag) {

    public static final int DEFAULT_PORT = 3260;

    public TargetPortal {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(portalGroupTag, "portalGroupTag");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
    }

    public static TargetPortal parse(String value) throws NegotiationException {
        String rest = value;
        OptionalInt tpgt = OptionalInt.empty();
        int comma = rest.lastIndexOf(',');
        if (comma >= 0 && comma > rest.lastIndexOf(']')) {
            tpgt = OptionalInt.of((int) TextValues.number("TargetAddress portal group tag", rest.substring(comma + 1), 0, 65535));
            rest = rest.substring(0, comma);
        }
        String host;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new NegotiationException("TargetAddress " + KeyValue.quoted(value) + ": '[' without ']'");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new NegotiationException("TargetAddress " + KeyValue.quoted(value) + ": junk after ']'");
                }
                port = after.substring(1);
            }
            if (!host.contains(":")) {
                throw new NegotiationException("TargetAddress " + KeyValue.quoted(value) + ": brackets around a non-IPv6 host");
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0) {
                if (rest.indexOf(':', colon + 1) >= 0) {
                    throw new NegotiationException("TargetAddress " + KeyValue.quoted(value) + ": IPv6 address without brackets");
                }
                host = rest.substring(0, colon);
                port = rest.substring(colon + 1);
            } else {
                host = rest;
            }
        }
        if (host.isEmpty()) {
            throw new NegotiationException("TargetAddress " + KeyValue.quoted(value) + " has no host");
        }
        int p = port == null ? DEFAULT_PORT : (int) TextValues.number("TargetAddress port", port, 1, 65535);
        return new TargetPortal(host, p, tpgt);
    }

    /** The TargetAddress form, with brackets around an IPv6 host. */
    public String toText() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return h + ":" + port + (portalGroupTag.isPresent() ? "," + portalGroupTag.getAsInt() : "");
    }
}
