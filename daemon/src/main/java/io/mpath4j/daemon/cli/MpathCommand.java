package io.mpath4j.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mpath} command line. */
@Command(name = "mpath", mixinStandardHelpOptions = true, version = "mpath4j 0.1.0",
        description = "Userspace multipath block I/O.",
        subcommands = {DemoCommand.class, CommandLine.HelpCommand.class})
public final class MpathCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new MpathCommand()).execute(args));
    }
}
