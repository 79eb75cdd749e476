package io.mpath4j.daemon.cli;

import io.mpath4j.daemon.lab.LabControl;
import io.mpath4j.daemon.lab.LabRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mpath lab set --control HOST:PORT REQUEST…}: one change (or {@code status}) for a running
 * {@code mpath lab target}. The request is checked here first, so a typo fails without touching
 * the target; the target checks it again (it may have other portals, groups or LUNs).
 */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Change a running lab target: ALUA port group states, portal faults, LUN faults, held writes; or show its status.",
        footer = {"", "Requests:", LabRequest.USAGE, "", "Examples:",
                "  mpath lab set --control 127.0.0.1:3270 group 1 standby",
                "  mpath lab set --control 127.0.0.1:3270 group 2 transitioning --for 5s",
                "  mpath lab set --control 127.0.0.1:3270 portal 127.0.0.2:3260 blackhole",
                "  mpath lab set --control 127.0.0.1:3270 lun 0 fail-next 2 3/11/00"})
final class LabSetCommand implements Callable<Integer> {

    @Option(names = "--control", required = true, paramLabel = "HOST:PORT|unix:PATH",
            description = "The lab target's --control address.")
    String control;

    @Option(names = "--timeout", defaultValue = "10", description = "Seconds to wait for the reply (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--for", paramLabel = "DURATION",
            description = "With group G STATE: pass through TRANSITIONING for this long (e.g. 5s); required with transitioning.")
    String forDuration;

    @Parameters(arity = "1..*", paramLabel = "REQUEST", description = "e.g. group 2 active-optimized; status")
    List<String> words = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        if (forDuration != null) {
            words.addAll(List.of("--for", forDuration));
        }
        LabRequest.parse(words);
        String reply = LabControl.send(
                LabControl.parseAddress(control, spec -> LabProxyCommand.address("--control", spec)), words, timeoutSeconds * 1000);
        spec.commandLine().getOut().println(reply);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
