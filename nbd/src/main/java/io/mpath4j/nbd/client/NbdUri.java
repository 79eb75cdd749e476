package io.mpath4j.nbd.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Where an NBD export lives: {@code nbd://host[:port]/export}, the TCP form of the NBD URI
 * standard (NetworkBlockDevice/nbd {@code doc/uri.md}). The host is an IPv4 literal, an IPv6
 * literal in brackets ({@code [::1]}) or a host name; the port defaults to 10809 (the IANA port of
 * NBD); the export name is the path after the first {@code /}, percent-decoded as UTF-8, and may be
 * empty (the server's default export). TLS ({@code nbds}), Unix sockets ({@code nbd+unix}),
 * user info and query parameters are not supported and are rejected with a message saying so.
 *
 * @param host host name or address, IPv6 without brackets
 * @param port TCP port, 1..65535
 * @param export export name, decoded ("" for the default export)
 */
public record NbdUri(String host, int port, String export) {

    /** The IANA-assigned NBD port. */
    public static final int DEFAULT_PORT = 10809;

    public NbdUri {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(export, "export");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
    }

    /** Parses {@code nbd://host[:port]/export}; the message of a failure names the URI and the problem. */
    public static NbdUri parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        String prefix = "nbd://";
        if (!uri.regionMatches(true, 0, prefix, 0, prefix.length())) {
            int colon = uri.indexOf("://");
            String scheme = colon > 0 ? uri.substring(0, colon).toLowerCase(Locale.ROOT) : null;
            String why = scheme == null ? "it does not start with nbd://"
                    : switch (scheme) {
                        case "nbds", "nbds+unix" -> "TLS (" + scheme + "://) is not supported; use nbd://";
                        case "nbd+unix", "nbd+vsock" -> "only TCP is supported (" + scheme + "://); use nbd://";
                        default -> "the scheme is " + scheme + ", expected nbd";
                    };
            throw bad(uri, why);
        }
        String rest = uri.substring(prefix.length());
        int q = indexOfAny(rest, "?#");
        if (q >= 0) {
            throw bad(uri, (rest.charAt(q) == '?' ? "query parameters" : "a fragment") + " (" + rest.substring(q)
                    + ") are not supported");
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        if (authority.indexOf('@') >= 0) {
            throw bad(uri, "user information (before @) is not supported");
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw bad(uri, "the IPv6 address lacks its closing ]");
            }
            host = authority.substring(1, close);
            if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                    || host.indexOf(':') < 0) {
                throw bad(uri, "[" + host + "] is not an IPv6 address");
            }
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(uri, "unexpected '" + after + "' after the IPv6 address");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
                throw bad(uri, "an IPv6 address must be written in brackets, e.g. nbd://[::1]/export");
            }
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
            if (host.isEmpty()) {
                throw bad(uri, "the host is missing");
            }
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '.' && c != '_') {
                    throw bad(uri, "the host '" + host + "' contains '" + c + "'");
                }
            }
        }
        int port = DEFAULT_PORT;
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad(uri, "the port '" + portText + "' is not a number");
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw bad(uri, "the port " + port + " is not in 1..65535");
            }
        }
        return new NbdUri(host, port, decode(uri, path));
    }

    /** {@code host:port}, with an IPv6 address in brackets. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The canonical URI, port always present, export percent-encoded where needed. */
    @Override
    public String toString() {
        return "nbd://" + authority() + "/" + encode(export);
    }

    private static IllegalArgumentException bad(String uri, String why) {
        return new IllegalArgumentException("bad NBD URI '" + uri + "': " + why
                + " (expected nbd://host[:port]/export)");
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 3986 percent-decoding (no '+' for space: that is a form convention, not a URI one), strict UTF-8. */
    private static String decode(String uri, String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw bad(uri, "bad percent escape at '" + s.substring(i, Math.min(s.length(), i + 3)) + "' in the export name");
                }
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        try {
            String name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
            if (name.indexOf('\0') >= 0) {
                throw bad(uri, "the export name contains NUL (%00)");
            }
            return name;
        } catch (CharacterCodingException e) {
            throw bad(uri, "the percent-decoded export name is not valid UTF-8");
        }
    }

    private static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
