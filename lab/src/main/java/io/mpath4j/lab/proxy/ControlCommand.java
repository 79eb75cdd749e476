package io.mpath4j.lab.proxy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * One control line of a running proxy ({@code mpath lab proxy} reads them from stdin), parsed
 * apart from its effect so that a typo is a clear error that changes nothing. {@link #USAGE} lists
 * the lines.
 */
public sealed interface ControlCommand {

    String USAGE = """
            latency DELAY [JITTER]   add DELAY ± JITTER to each chunk each way (50ms, 1.5s, 200us; 'latency off')
            rate RATE                limit each direction to RATE bytes/s (10MiB, 512KiB, 1GB, 1000; 'rate off')
            blackhole [hold|drop] [to-upstream|to-client]
                                     stop forwarding silently, connections kept open; hold (default) forwards
                                     what was held after restore, drop discards it; both directions by default
            restore                  end a blackhole and accept new connections again
            reset                    reset every connection now (RST to both peers)
            half-open                close every upstream connection, leave the initiators' open and unanswered
            refuse                   refuse new connections (connect fails with ECONNREFUSED)
            accept                   accept new connections again
            clear                    no latency, no rate limit, no blackhole, accepting
            status                   print the controls and counters
            help                     print this list""";

    /** Applies the command; returns the line to print. */
    String apply(FaultProxy proxy) throws IOException;

    record Latency(Duration latency, Duration jitter) implements ControlCommand {
        @Override
        public String apply(FaultProxy proxy) {
            return proxy.latency(latency, jitter).toString();
        }
    }

    record Rate(long bytesPerSecond) implements ControlCommand {
        @Override
        public String apply(FaultProxy proxy) {
            return proxy.rate(bytesPerSecond).toString();
        }
    }

    record Blackhole(BlackholeMode mode, List<Direction> directions) implements ControlCommand {
        public Blackhole {
            directions = List.copyOf(directions);
        }

        @Override
        public String apply(FaultProxy proxy) {
            return proxy.blackhole(mode, directions.toArray(Direction[]::new)).toString();
        }
    }

    record Restore() implements ControlCommand {
        @Override
        public String apply(FaultProxy proxy) throws IOException {
            return proxy.restore().toString();
        }
    }

    record Reset() implements ControlCommand {
        @Override
        public String apply(FaultProxy proxy) {
            return "reset " + proxy.reset() + " connections";
        }
    }

    record HalfOpen() implements ControlCommand {
        @Override
        public String apply(FaultProxy proxy) {
            return "half-open " + proxy.halfOpen() + " connections";
        }
    }

    record Refuse(boolean refuse) implements ControlCommand {
        @Override
        public String apply(FaultProxy proxy) throws IOException {
            return proxy.refuseNewConnections(refuse).toString();
        }
    }

    record Clear() implements ControlCommand {
        @Override
        public String apply(FaultProxy proxy) throws IOException {
            return proxy.passThrough().toString();
        }
    }

    record Status() implements ControlCommand {
        @Override
        public String apply(FaultProxy proxy) {
            return proxy + "; " + proxy.counters();
        }
    }

    record Help() implements ControlCommand {
        @Override
        public String apply(FaultProxy proxy) {
            return USAGE;
        }
    }

    /** Parses one line; a blank line or a {@code #} comment is {@code null}; a bad line throws IllegalArgumentException. */
    static ControlCommand parse(String line) {
        return ControlLineParser.parse(line);
    }
}
