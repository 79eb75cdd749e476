package io.mpath4j.iscsi;

import io.mpath4j.iscsi.login.DigestOffer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * An iSCSI address in libiscsi's URL form: {@code iscsi://[user[%password]@]host[:port]/target-iqn/lun}
 * for a logical unit, or {@code iscsi://[user[%password]@]host[:port][/]} for a discovery portal.
 *
 * <p>The host is an IPv4 address, a host name or an {@code [IPv6]} literal; the port defaults to
 * 3260 (RFC 7143 §13.8 / IANA). The user and password are the initiator's CHAP name and secret
 * (percent-decoded). The password never appears in {@link #toString()}: it prints as {@code ***}.
 *
 * <p>Query parameters: {@code header_digest=} as libiscsi has it, and {@code data_digest=} (ours;
 * libiscsi has no data digests), each none, none-crc32c, crc32c-none or crc32c ({@link
 * DigestOffer}), joined with {@code &}; they override {@link IscsiOptions#headerDigest()} and
 * {@link IscsiOptions#dataDigest()} for this path. Any other parameter is an error.
 *
 * @param user CHAP name, or "" for no authentication
 * @param password CHAP secret, or "" (never printed)
 * @param host host name or address (without brackets)
 * @param port TCP port
 * @param target the target's iSCSI name, "" for a discovery URI
 * @param lun the logical unit number, -1 for a discovery URI
 * @param headerDigest the {@code header_digest} parameter, if given
 * @param dataDigest the {@code data_digest} parameter, if given
 */
public record IscsiUri(String user, String password, String host, int port, String target, int lun,
        Optional<DigestOffer> headerDigest, Optional<DigestOffer> dataDigest) {

    public static final int DEFAULT_PORT = 3260;

    public IscsiUri {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(headerDigest, "headerDigest");
        Objects.requireNonNull(dataDigest, "dataDigest");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 1..65535");
        }
        if (target.isEmpty() != (lun < 0)) {
            throw new IllegalArgumentException("a target name needs a LUN and a LUN needs a target name");
        }
        if (lun > 16383) {
            throw new IllegalArgumentException("LUN " + lun + " out of range 0..16383 (flat addressing)");
        }
        if (user.isEmpty() && !password.isEmpty()) {
            throw new IllegalArgumentException("a password without a user name");
        }
    }

    /** A URI without query parameters. */
    public IscsiUri(String user, String password, String host, int port, String target, int lun) {
        this(user, password, host, port, target, lun, Optional.empty(), Optional.empty());
    }

    /**
     * Parses a URI; the exception message names the URI (with the password masked) and the problem.
     *
     * @throws IllegalArgumentException if it is not a valid iSCSI URI
     */
    public static IscsiUri parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return parse0(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid iSCSI URI '" + mask(text) + "': " + e.getMessage()
                    + " (expected iscsi://[user[%password]@]host[:port]/target-iqn/lun, or iscsi://host[:port] for"
                    + " discovery)", e);
        }
    }

    private static IscsiUri parse0(String text) {
        if (!text.regionMatches(true, 0, "iscsi://", 0, 8)) {
            throw new IllegalArgumentException("the scheme must be iscsi://");
        }
        String rest = text.substring(8);
        if (rest.indexOf('#') >= 0) {
            throw new IllegalArgumentException("fragments are not supported");
        }
        Optional<DigestOffer> headerDigest = Optional.empty();
        Optional<DigestOffer> dataDigest = Optional.empty();
        int q = rest.indexOf('?');
        if (q >= 0) {
            for (String param : rest.substring(q + 1).split("&", -1)) {
                int eq = param.indexOf('=');
                String name = eq < 0 ? param : param.substring(0, eq);
                String value = eq < 0 ? "" : param.substring(eq + 1);
                switch (name) {
                    case "header_digest" -> headerDigest = Optional.of(DigestOffer.ofUriValue(name, value));
                    case "data_digest" -> dataDigest = Optional.of(DigestOffer.ofUriValue(name, value));
                    default -> throw new IllegalArgumentException("unknown query parameter '" + name
                            + "' (known: header_digest, data_digest)");
                }
            }
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String user = "";
        String password = "";
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int pct = userInfo.indexOf('%');
            // libiscsi separates user and password with '%'; a literal '%' in either is not supported
            if (pct >= 0) {
                user = decode(userInfo.substring(0, pct));
                password = userInfo.substring(pct + 1);
            } else {
                user = decode(userInfo);
            }
            if (user.isEmpty()) {
                throw new IllegalArgumentException("empty user name before '@'");
            }
        }
        String host;
        int port = DEFAULT_PORT;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in the IPv6 address");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("unexpected '" + after + "' after the IPv6 address");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0) {
                if (authority.indexOf(':', colon + 1) >= 0) {
                    throw new IllegalArgumentException("an IPv6 address must be written in brackets");
                }
                host = authority.substring(0, colon);
                portText = authority.substring(colon + 1);
            } else {
                host = authority;
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host");
        }
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("port '" + portText + "' is not a number");
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " out of range 1..65535");
            }
        }
        if (path.isEmpty()) {
            return new IscsiUri(user, password, host, port, "", -1, headerDigest, dataDigest);
        }
        int lunSlash = path.lastIndexOf('/');
        if (lunSlash < 0) {
            throw new IllegalArgumentException("missing the LUN after the target name (…/" + path + "/LUN)");
        }
        String target = decode(path.substring(0, lunSlash));
        String lunText = path.substring(lunSlash + 1);
        if (target.isEmpty()) {
            throw new IllegalArgumentException("empty target name");
        }
        if (target.indexOf('/') >= 0) {
            throw new IllegalArgumentException("the target name '" + target + "' contains '/'");
        }
        if (lunText.isEmpty() || lunText.length() > 5 || !lunText.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("LUN '" + lunText + "' is not a number");
        }
        return new IscsiUri(user, password, host, port, target, Integer.parseInt(lunText), headerDigest, dataDigest);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad percent-encoding in '" + s + "'");
        }
    }

    /** The text with whatever follows a '%' in the user info replaced by ***. */
    static String mask(String text) {
        int at = text.lastIndexOf('@');
        int start = text.indexOf("://");
        if (at < 0 || start < 0 || at < start) {
            return text;
        }
        int pct = text.indexOf('%', start + 3);
        if (pct < 0 || pct > at) {
            return text;
        }
        return text.substring(0, pct + 1) + "***" + text.substring(at);
    }

    /** True for a discovery URI (no target, no LUN). */
    public boolean isDiscovery() {
        return target.isEmpty();
    }

    /** True when CHAP credentials are given. */
    public boolean hasCredentials() {
        return !user.isEmpty();
    }

    /** {@code host:port}, IPv6 in brackets. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The same portal, target and LUN without credentials: the path name. */
    public String name() {
        return "iscsi://" + authority() + (isDiscovery() ? "" : "/" + target + "/" + lun);
    }

    /** This URI for another target and LUN on the same portal, with the same credentials. */
    public IscsiUri withTarget(String targetName, int lunNumber) {
        return new IscsiUri(user, password, host, port, targetName, lunNumber, headerDigest, dataDigest);
    }

    /** This URI on another portal (login redirection), same credentials, target and LUN. */
    public IscsiUri withPortal(String newHost, int newPort) {
        return new IscsiUri(user, password, newHost, newPort, target, lun, headerDigest, dataDigest);
    }

    /** The URI with the password masked. */
    @Override
    public String toString() {
        String auth = user.isEmpty() ? "" : user + (password.isEmpty() ? "" : "%***") + "@";
        String query = headerDigest.map(d -> "header_digest=" + d.uriValue()).orElse("");
        if (dataDigest.isPresent()) {
            query += (query.isEmpty() ? "" : "&") + "data_digest=" + dataDigest.get().uriValue();
        }
        return "iscsi://" + auth + authority() + (isDiscovery() ? "" : "/" + target + "/" + lun)
                + (query.isEmpty() ? "" : "?" + query);
    }
}
