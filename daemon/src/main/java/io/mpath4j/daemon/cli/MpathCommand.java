package io.mpath4j.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mpath} command line. */
@Command(name = "mpath", mixinStandardHelpOptions = true, version = "mpath4j 0.1.0",
        description = "Userspace multipath block I/O.",
        subcommands = {DemoCommand.class, ServeCommand.class, DaemonCommand.class, DiscoverCommand.class, ConfigCommand.class,
                ManagementCommands.Show.class, ManagementCommands.Fail.class, ManagementCommands.Reinstate.class,
                ManagementCommands.SwitchGroup.class, ManagementCommands.DisableQueueing.class,
                ManagementCommands.RestoreQueueing.class, ManagementCommands.Set.class, ManagementCommands.Resize.class, ManagementCommands.Reconfigure.class, ManagementCommands.Add.class, ManagementCommands.Del.class,
                ManagementCommands.Events.class, LabCommand.class, TortureCommand.class, CommandLine.HelpCommand.class})
public final class MpathCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // One line per log record: time, level, message (the JDK default takes two lines).
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %5$s%6$s%n");
        }
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with our error handling: a bad argument value or an operational failure
     * prints one line, "error: …", and exits 2; a stack trace is for bugs only.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new MpathCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }
}
