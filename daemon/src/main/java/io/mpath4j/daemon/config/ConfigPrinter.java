package io.mpath4j.daemon.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Prints the effective configuration in multipath.conf syntax (the shape of {@code multipath -t}):
 * every supported default with its value, the blacklists, the device table with the file's
 * entries merged in (each with its source as a comment), overrides, multipaths, and our own
 * sections. The output reads back with {@link ConfigLoader} to the same configuration.
 */
public final class ConfigPrinter {

    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:@%+,=\\-]+");

    private final StringBuilder out = new StringBuilder();

    private ConfigPrinter() {
    }

    public static String print(ConfigResolver resolver) {
        ConfigPrinter p = new ConfigPrinter();
        p.all(resolver);
        return p.out.toString();
    }

    private void all(ConfigResolver r) {
        MpathConfig c = r.config();
        open(0, "defaults");
        r.base().settings().forEach(s -> entry(1, s.keyword(), s.value()));
        close(0);
        blacklist(0, "blacklist", c.blacklist());
        blacklist(0, "blacklist_exceptions", c.exceptions());
        open(0, "devices");
        for (DeviceEntry d : r.deviceTable()) {
            comment(1, d.source());
            open(1, "device");
            entry(2, "vendor", d.vendor());
            entry(2, "product", d.product());
            if (!d.revision().isEmpty()) {
                entry(2, "revision", d.revision());
            }
            if (!d.productBlacklist().isEmpty()) {
                entry(2, "product_blacklist", d.productBlacklist());
            }
            d.attributes().settings().forEach(s -> entry(2, s.keyword(), s.value()));
            close(1);
        }
        close(0);
        open(0, "overrides");
        c.overrides().settings().forEach(s -> entry(1, s.keyword(), s.value()));
        close(0);
        open(0, "multipaths");
        for (MultipathEntry m : c.multipaths()) {
            open(1, "multipath");
            entry(2, "wwid", m.wwid());
            m.alias().ifPresent(a -> entry(2, "alias", a));
            m.attributes().settings().forEach(s -> entry(2, s.keyword(), s.value()));
            close(1);
        }
        close(0);
        if (c.initiatorName().isPresent() || !c.portals().isEmpty()) {
            open(0, "iscsi");
            c.initiatorName().ifPresent(n -> entry(1, "initiator_name", n));
            for (IscsiPortal p : c.portals()) {
                open(1, "portal");
                entry(2, "address", p.address().toString());
                p.target().ifPresent(t -> entry(2, "target", t));
                p.chapUser().ifPresent(u -> entry(2, "chap_user", u));
                p.chapSecretFile().ifPresent(f -> entry(2, "chap_secret_file", f.toString()));
                close(1);
            }
            close(0);
        }
        if (!c.nbdEndpoints().isEmpty()) {
            open(0, "nbd");
            for (NbdEndpoint e : c.nbdEndpoints()) {
                open(1, "endpoint");
                entry(2, "uri", uri(e));
                entry(2, "wwid", e.wwid());
                close(1);
            }
            close(0);
        }
        if (!c.nbdListeners().isEmpty() || c.metricsListen().isPresent() || c.fuseMountpoint().isPresent()) {
            open(0, "export");
            for (NbdListener l : c.nbdListeners()) {
                open(1, "nbd");
                entry(2, "listen", l.listen().toString());
                entry(2, "single_paths", l.singlePaths() ? "yes" : "no");
                close(1);
            }
            if (c.metricsListen().isPresent()) {
                open(1, "metrics");
                entry(2, "listen", c.metricsListen().get().toString());
                close(1);
            }
            if (c.fuseMountpoint().isPresent()) {
                open(1, "fuse");
                entry(2, "mountpoint", c.fuseMountpoint().get().toString());
                close(1);
            }
            close(0);
        }
    }

    private static String uri(NbdEndpoint e) {
        String host = e.uri().host().indexOf(':') >= 0 ? "[" + e.uri().host() + "]" : e.uri().host();
        return "nbd://" + host + ":" + e.uri().port() + "/" + java.net.URLEncoder
                .encode(e.uri().export(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void blacklist(int depth, String name, List<BlacklistRule> rules) {
        open(depth, name);
        for (BlacklistRule r : rules) {
            if (r.kind() == BlacklistRule.Kind.DEVICE) {
                open(depth + 1, "device");
                if (!r.regex().isEmpty()) {
                    entry(depth + 2, "vendor", r.regex());
                }
                if (!r.product().isEmpty()) {
                    entry(depth + 2, "product", r.product());
                }
                close(depth + 1);
            } else {
                entry(depth + 1, r.kind().keyword(), r.regex());
            }
        }
        close(depth);
    }

    /** A value as the parser reads it back: bare when it is one plain word, else quoted with "" for ". */
    static String quote(String value) {
        return BARE.matcher(value).matches() ? value : "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private void open(int depth, String name) {
        out.append("\t".repeat(depth)).append(name).append(" {\n");
    }

    private void close(int depth) {
        out.append("\t".repeat(depth)).append("}\n");
    }

    private void entry(int depth, String keyword, String value) {
        out.append("\t".repeat(depth)).append(keyword).append(' ').append(quote(value)).append('\n');
    }

    private void comment(int depth, String text) {
        out.append("\t".repeat(depth)).append("# ").append(text.replace('\n', ' ')).append('\n');
    }
}
