package io.mpath4j.daemon.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.mpath4j.daemon.control.ManagementClient;
import io.mpath4j.daemon.control.ManagementReply;
import io.mpath4j.daemon.control.SocketPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The administration commands that talk to a running {@code mpath daemon} or
 * {@code mpath serve --socket} over its management socket. Each one only builds the words of a
 * multipathd-style command ({@code fail path X}); the server parses and answers them, so these
 * classes stay thin.
 */
final class ManagementCommands {

    private ManagementCommands() {}

    /** Options every management command takes. */
    static final class Connection {
        @Option(names = {"-s", "--socket"}, paramLabel = "PATH",
                description = "Management socket (default: $MPATH4J_SOCKET, /run/mpath4j/mpath.sock as root, else $XDG_RUNTIME_DIR/mpath4j.sock).")
        Path socket;

        @Option(names = "--json", description = "Print the reply as JSON.")
        boolean json;

        Path socket() {
            return socket != null ? socket : SocketPaths.defaultPath();
        }
    }

    /** Base: send the words, print the text (or JSON), exit 0, or print the error and exit 1. */
    abstract static class Remote implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        abstract List<String> words();

        /** This command's own name (the verb) followed by its arguments, e.g. switchgroup map M group N. */
        List<String> withVerb(List<String> args) {
            List<String> w = new ArrayList<>(args.size() + 1);
            w.add(spec.name());
            w.addAll(args);
            return w;
        }

        @Override
        public Integer call() throws IOException {
            ManagementReply reply;
            try (ManagementClient client = ManagementClient.connect(connection.socket())) {
                reply = client.call(words());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (!reply.ok()) {
                spec.commandLine().getErr().println("error: " + reply.error());
                spec.commandLine().getErr().flush();
                return 1;
            }
            if (connection.json) {
                out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(reply.data()));
            } else {
                out.print(reply.text());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show devices, paths and counters of the running daemon, or a configuration file's effective settings.",
            subcommands = {ShowTopology.class, ShowMaps.class, ShowPaths.class, ShowStatus.class, ShowConfigCommand.class})
    static final class Show implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "topology", mixinStandardHelpOptions = true, description = "Every device (or one) in the shape of `multipath -ll`.")
    static final class ShowTopology extends Remote {
        @Parameters(arity = "0..1", paramLabel = "MAP", description = "Only this device (name or WWID).")
        String map;

        List<String> words() {
            return map == null ? List.of("show", "topology") : List.of("show", "topology", "map", map);
        }
    }

    @Command(name = "maps", mixinStandardHelpOptions = true, description = "One line per device.")
    static final class ShowMaps extends Remote {
        List<String> words() {
            return List.of("show", "maps");
        }
    }

    @Command(name = "paths", mixinStandardHelpOptions = true, description = "One line per path.")
    static final class ShowPaths extends Remote {
        List<String> words() {
            return List.of("show", "paths");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "I/O, redrive and failover counters per device.")
    static final class ShowStatus extends Remote {
        List<String> words() {
            return List.of("show", "status");
        }
    }

    @Command(name = "fail", mixinStandardHelpOptions = true, description = "Fail a path by hand; it stays failed until `mpath reinstate path`.")
    static final class Fail extends Remote {
        @Parameters(index = "0", paramLabel = "path", description = "The word 'path'.") String keyword;
        @Parameters(index = "1", paramLabel = "PATH", description = "Path name as `mpath show paths` prints it.") String path;

        List<String> words() {
            return List.of("fail", keyword, path);
        }
    }

    @Command(name = "reinstate", mixinStandardHelpOptions = true, description = "Bring back a path failed by hand (the checker still decides whether it is usable).")
    static final class Reinstate extends Remote {
        @Parameters(index = "0", paramLabel = "path", description = "The word 'path'.") String keyword;
        @Parameters(index = "1", paramLabel = "PATH") String path;

        List<String> words() {
            return List.of("reinstate", keyword, path);
        }
    }

    @Command(name = "switchgroup", mixinStandardHelpOptions = true, description = "Route I/O to another path group now: switchgroup map MAP group N (N from 1).")
    static final class SwitchGroup extends Remote {
        @Parameters(arity = "4", paramLabel = "map MAP group N") List<String> args;

        List<String> words() {
            return withVerb(args);
        }
    }

    @Command(name = "disablequeueing", mixinStandardHelpOptions = true,
            description = "Fail I/O queued for lack of paths, and stop queueing: disablequeueing map MAP | maps.")
    static final class DisableQueueing extends Remote {
        @Parameters(arity = "1..2", paramLabel = "map MAP | maps") List<String> args;

        List<String> words() {
            return withVerb(args);
        }
    }

    @Command(name = "restorequeueing", mixinStandardHelpOptions = true,
            description = "Queue again as no_path_retry says: restorequeueing map MAP | maps.")
    static final class RestoreQueueing extends Remote {
        @Parameters(arity = "1..2", paramLabel = "map MAP | maps") List<String> args;

        List<String> words() {
            return withVerb(args);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change a device's path selector live: set selector map MAP \"service-time 0\".")
    static final class Set extends Remote {
        @Parameters(arity = "4..*", paramLabel = "selector map MAP SELECTOR") List<String> args;

        List<String> words() {
            return withVerb(args);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Open a path and add it to its unit's device: add path URI [map MAP] (NBD paths need the map: they carry no unit id).")
    static final class Add extends Remote {
        @Parameters(arity = "2..4", paramLabel = "path URI [map MAP]") List<String> args;

        List<String> words() {
            return withVerb(args);
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true,
            description = "Remove a path from its device (I/O goes on over the others): del path PATH.")
    static final class Del extends Remote {
        @Parameters(index = "0", paramLabel = "path", description = "The word 'path'.") String keyword;
        @Parameters(index = "1", paramLabel = "PATH", description = "Path name as `mpath show paths` prints it.") String path;

        List<String> words() {
            return List.of("del", keyword, path);
        }
    }

    @Command(name = "reconfigure", mixinStandardHelpOptions = true,
            description = "Re-read the daemon's configuration file and apply changed settings to the live devices (I/O goes on).")
    static final class Reconfigure extends Remote {
        List<String> words() {
            return List.of("reconfigure");
        }
    }

    @Command(name = "resize", mixinStandardHelpOptions = true, description = "Re-read a device's capacity from its paths: resize map MAP.")
    static final class Resize extends Remote {
        @Parameters(arity = "2", paramLabel = "map MAP") List<String> args;

        List<String> words() {
            return withVerb(args);
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true, description = "Print state changes as they happen, until interrupted.")
    static final class Events implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--count", paramLabel = "N", description = "Stop after N events (default: run until interrupted).")
        long count = Long.MAX_VALUE;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            long[] seen = {0};
            ManagementReply end;
            try (ManagementClient client = ManagementClient.connect(connection.socket())) {
                end = client.events(event -> {
                    try {
                        out.println(connection.json ? JSON.std.asString(event.get("event")) : String.valueOf(event.get("text")));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    out.flush();
                    return ++seen[0] < count;
                });
            }
            if (!end.ok()) {
                spec.commandLine().getErr().println("error: " + end.error());
                return 1;
            }
            return 0;
        }
    }
}
