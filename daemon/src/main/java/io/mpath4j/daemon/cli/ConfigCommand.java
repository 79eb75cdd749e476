package io.mpath4j.daemon.cli;

import io.mpath4j.daemon.config.ConfigLoader;
import io.mpath4j.daemon.config.Diagnostic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mpath config check FILE}: validates a configuration file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with configuration files.",
        subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = {
            "Validates a configuration file (multipath.conf syntax plus mpath4j's iscsi, nbd and export sections).",
            "Prints every error and warning as FILE:LINE:COLUMN: severity: message on stderr.",
            "Exit status: 0 valid (\"ok: N warnings\" on stdout), 1 the file has errors, 2 the file cannot be read."})
    static final class Check implements java.util.concurrent.Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the configuration file")
        Path file;

        @Override
        public Integer call() throws IOException {
            ConfigLoader.Result result = ConfigFiles.load(file);
            PrintWriter err = spec.commandLine().getErr();
            ConfigFiles.report(result, err);
            if (!result.ok()) {
                err.println("error: " + file + ": " + count(result.errors().size(), "error") + ", "
                        + count(result.warnings().size(), "warning"));
                err.flush();
                return 1;
            }
            spec.commandLine().getOut().println("ok: " + count(result.warnings().size(), "warning"));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** Reading a file and printing findings, shared by {@code config check} and {@code show config}. */
    static final class ConfigFiles {
        private ConfigFiles() {
        }

        static ConfigLoader.Result load(Path file) throws IOException {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString(), null, "no such file");
            }
            try {
                return ConfigLoader.load(file);
            } catch (NoSuchFileException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }

        static void report(ConfigLoader.Result result, PrintWriter err) {
            for (Diagnostic d : result.diagnostics()) {
                err.println(d);
            }
            err.flush();
        }
    }
}
