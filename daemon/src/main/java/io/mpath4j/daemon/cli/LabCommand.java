package io.mpath4j.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mpath lab …}: tools to rehearse failover against real targets. A parent command only, so
 * that the lab target ({@code lab target}, {@code lab set}) joins {@code lab proxy} here.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Lab tools to rehearse failover: a lab iSCSI target with ALUA and faults, and a fault proxy.",
        subcommands = {LabProxyCommand.class, LabTargetCommand.class, LabSetCommand.class})
final class LabCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
