package io.mpath4j.daemon.runtime;

import io.mpath4j.daemon.config.ConfigLoader;
import io.mpath4j.daemon.config.Diagnostic;
import io.mpath4j.daemon.config.MpathConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * The daemon's configuration file: read, every finding logged, and refused as a whole if it has
 * an error, so that neither a start nor a reconfigure ever acts on half a file.
 */
public final class ConfigFile {

    private static final Logger LOG = Logger.getLogger("io.mpath4j.daemon");

    /** The file has errors (or cannot be read); the message lists each as file:line:column. */
    public static final class Rejected extends Exception {
        private final List<String> findings;

        Rejected(String summary, List<String> findings) {
            super(findings.isEmpty() ? summary : summary + ":\n" + String.join("\n", findings));
            this.findings = List.copyOf(findings);
        }

        public List<String> findings() {
            return findings;
        }
    }

    /** Where the systemd unit and the distribution keep it; {@code mpath daemon} and {@code show config} default to it. */
    public static final Path DEFAULT = Path.of("/etc/mpath4j/multipath.conf");

    private final Path file;

    public ConfigFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** Reads the file; warnings go to the log, errors make it {@link Rejected}. */
    public MpathConfig load() throws Rejected {
        ConfigLoader.Result result;
        try {
            if (!Files.exists(file)) {
                throw new Rejected(file + ": no such file", List.of());
            }
            result = ConfigLoader.load(file);
        } catch (IOException e) {
            throw new Rejected(file + ": cannot be read: " + e.getMessage(), List.of());
        }
        for (Diagnostic w : result.warnings()) {
            LOG.warning(w.toString());
        }
        if (!result.ok()) {
            int n = result.errors().size();
            throw new Rejected(file + ": " + n + " error" + (n == 1 ? "" : "s"),
                    result.errors().stream().map(Diagnostic::toString).toList());
        }
        return result.config();
    }
}
