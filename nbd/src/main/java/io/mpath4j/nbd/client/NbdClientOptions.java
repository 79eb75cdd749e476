package io.mpath4j.nbd.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing and limits of NBD client paths.
 *
 * @param connectTimeout TCP connect plus handshake (greeting, options, {@code NBD_OPT_GO})
 * @param requestTimeout how long a request may wait for its reply once sent; when one is late the
 *     connection is torn down (so that no late data lands in a buffer) and every outstanding
 *     request completes with a path error. Also bounds the path checker's read.
 * @param fencingDelay how long after a connection was torn down its commands are assumed to be
 *     possibly still executing on the server; {@link NbdPath#fence()} waits this out (NBD has no
 *     abort). See {@link #DEFAULT_FENCING_DELAY} for the choice of default.
 * @param reconnectInitial first delay of the background reconnect loop after a connection loss
 * @param reconnectMax the reconnect delay doubles up to this bound
 * @param maxInFlight requests (NBD requests, after splitting) sent and unanswered per connection;
 *     further requests wait in the connection's FIFO queue, without a limit of their own (the
 *     engine above bounds what it submits), and their timeout starts only when they are sent
 */
public record NbdClientOptions(
        Duration connectTimeout,
        Duration requestTimeout,
        Duration fencingDelay,
        Duration reconnectInitial,
        Duration reconnectMax,
        int maxInFlight) {

    /**
     * 5 s. After we tear a connection down the server still executes what it had already read from
     * the socket: nbdkit and qemu-nbd never cancel a command that reached the backend, they only
     * fail to send the reply. That backlog is at most {@code maxInFlight} requests, each served by
     * a healthy backend in milliseconds to a few hundred milliseconds (a 32 MiB write to a slow
     * disk); 5 s covers that with a wide margin while keeping a write failover in the seconds
     * range. It cannot cover a server that hangs for longer in its backend and wakes up later: no
     * waiting period can, which is why a deployment that fears that must set a longer delay.
     */
    public static final Duration DEFAULT_FENCING_DELAY = Duration.ofSeconds(5);

    /** 5 s connect, 10 s per request, 5 s fencing, reconnect every 100 ms doubling to 5 s, 256 in flight. */
    public static final NbdClientOptions DEFAULT = new NbdClientOptions(
            Duration.ofSeconds(5), Duration.ofSeconds(10), DEFAULT_FENCING_DELAY,
            Duration.ofMillis(100), Duration.ofSeconds(5), 256);

    public NbdClientOptions {
        positive("connectTimeout", connectTimeout);
        positive("requestTimeout", requestTimeout);
        Objects.requireNonNull(fencingDelay, "fencingDelay");
        if (fencingDelay.isNegative()) {
            throw new IllegalArgumentException("fencingDelay must not be negative: " + fencingDelay);
        }
        positive("reconnectInitial", reconnectInitial);
        positive("reconnectMax", reconnectMax);
        if (reconnectMax.compareTo(reconnectInitial) < 0) {
            throw new IllegalArgumentException("reconnectMax " + reconnectMax + " is shorter than reconnectInitial "
                    + reconnectInitial);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
    }

    public NbdClientOptions withConnectTimeout(Duration d) {
        return new NbdClientOptions(d, requestTimeout, fencingDelay, reconnectInitial, reconnectMax, maxInFlight);
    }

    public NbdClientOptions withRequestTimeout(Duration d) {
        return new NbdClientOptions(connectTimeout, d, fencingDelay, reconnectInitial, reconnectMax, maxInFlight);
    }

    public NbdClientOptions withFencingDelay(Duration d) {
        return new NbdClientOptions(connectTimeout, requestTimeout, d, reconnectInitial, reconnectMax, maxInFlight);
    }

    public NbdClientOptions withReconnect(Duration initial, Duration max) {
        return new NbdClientOptions(connectTimeout, requestTimeout, fencingDelay, initial, max, maxInFlight);
    }

    public NbdClientOptions withMaxInFlight(int n) {
        return new NbdClientOptions(connectTimeout, requestTimeout, fencingDelay, reconnectInitial, reconnectMax, n);
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
