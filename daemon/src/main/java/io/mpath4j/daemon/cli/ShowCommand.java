package io.mpath4j.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mpath show …}. Only {@code show config} exists on this branch; where the management
 * commands' {@code show} (topology, maps, paths, status) exists, {@link ShowConfigCommand} belongs
 * among its subcommands instead and this class goes away.
 */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show state and configuration.",
        subcommands = {ShowConfigCommand.class})
public final class ShowCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
