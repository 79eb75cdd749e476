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
        "It reads the file directly; --running (or -s) asks the running daemon what it runs with instead.",
        "Exit status: 0 printed, 1 the file has errors (printed as in 'config check') or the daemon refused,",
        "2 it cannot be read (or no daemon answers)."})
public final class ShowConfigCommand implements java.util.concurrent.Callable<Integer> {

    static final Path DEFAULT_FILE = io.mpath4j.daemon.runtime.ConfigFile.DEFAULT;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "configuration file (default: ${DEFAULT-VALUE}; built-in settings only if it does not exist)")
    Path file = DEFAULT_FILE;

    @Option(names = "--running", description = "Ask the running daemon over its management socket instead of reading a file.")
    boolean running;

    @Option(names = {"-s", "--socket"}, paramLabel = "PATH",
            description = "The daemon's management socket (implies --running; default: as for the other commands).")
    Path socket;

    @Override
    public Integer call() throws IOException {
        if (running || socket != null) {
            return fromDaemon();
        }
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

    private int fromDaemon() throws IOException {
        io.mpath4j.daemon.control.ManagementReply reply;
        try (var client = io.mpath4j.daemon.control.ManagementClient.connect(
                socket != null ? socket : io.mpath4j.daemon.control.SocketPaths.defaultPath())) {
            reply = client.call(java.util.List.of("show", "config"));
        }
        if (!reply.ok()) {
            spec.commandLine().getErr().println("error: " + reply.error());
            spec.commandLine().getErr().flush();
            return 1;
        }
        spec.commandLine().getOut().print(reply.text());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
