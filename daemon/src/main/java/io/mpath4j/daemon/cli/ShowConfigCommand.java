package io.mpath4j.daemon.cli;

import io.mpath4j.daemon.config.ConfigLoader;
import io.mpath4j.daemon.config.ConfigPrinter;
import io.mpath4j.daemon.config.ConfigResolver;
import io.mpath4j.daemon.config.MpathConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mpath show config}: the effective configuration. A subcommand of {@code show}; it does not
 * need the daemon, so it reads the file itself.
 */
@Command(name = "config", mixinStandardHelpOptions = true, description = {
        "Prints the effective configuration in multipath.conf syntax: every default with its value, the",
        "built-in device table with the file's devices merged in, overrides, multipaths and mpath4j's sections.",
        "It reads the file directly, not the running daemon (asking the daemon comes with its management socket).",
        "Exit status: 0 printed, 1 the file has errors (printed as in 'config check'), 2 it cannot be read."})
public final class ShowConfigCommand implements java.util.concurrent.Callable<Integer> {

    static final Path DEFAULT_FILE = io.mpath4j.daemon.runtime.ConfigFile.DEFAULT;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "configuration file (default: ${DEFAULT-VALUE}; built-in settings only if it does not exist)")
    Path file = DEFAULT_FILE;

    @Override
    public Integer call() throws IOException {
        MpathConfig config = MpathConfig.EMPTY;
        boolean builtinOnly = file.equals(DEFAULT_FILE) && !Files.exists(file);
        if (!builtinOnly) {
            ConfigLoader.Result result = ConfigCommand.ConfigFiles.load(file);
            if (!result.ok()) {
                ConfigCommand.ConfigFiles.report(result, spec.commandLine().getErr());
                spec.commandLine().getErr().println("error: " + file + ": " + ConfigCommand.count(result.errors().size(), "error"));
                spec.commandLine().getErr().flush();
                return 1;
            }
            config = result.config();
        }
        var out = spec.commandLine().getOut();
        out.println(builtinOnly ? "# " + file + " does not exist: built-in settings" : "# effective configuration of " + file);
        out.print(ConfigPrinter.print(new ConfigResolver(config)));
        out.flush();
        return 0;
    }
}
