package io.mpath4j.nbd.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** TLS set-up for {@link NbdServer.Builder#tls}. */
public final class NbdTls {

    private NbdTls() {}

    /**
     * A server context from a PKCS#12 keystore holding the server's private key and certificate
     * chain (for example made with {@code keytool -genkeypair -storetype PKCS12}, or {@code openssl
     * pkcs12 -export} / {@code certtool --to-p12} from PEM files). TLS 1.2 and 1.3, the JDK's
     * defaults otherwise; clients are not asked for certificates.
     */
    public static SSLContext serverContext(Path pkcs12, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }
}
