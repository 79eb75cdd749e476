package io.mpath4j.lab.proxy;

import io.mpath4j.lab.proxy.Segment.Abort;
import io.mpath4j.lab.proxy.Segment.Data;
import io.mpath4j.lab.proxy.Segment.End;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One direction of a proxied connection: a reader that takes bytes off the sending socket as they
 * come and stamps them with their arrival time, a delay line of at most {@link #CAPACITY} bytes,
 * and a writer that releases each chunk when it is due (arrival + latency ± jitter, never before
 * the chunk read before it), when the token bucket allows it, and not while the direction is
 * blackholed. Reader and writer are separate threads, so a delayed chunk stalls neither the reading
 * of what follows (the delay is a line, not a sleep) nor the other direction; a full line stops the
 * reader, and the sender's TCP window closes, as behind a slow link.
 */
final class Pump {

    static final int CHUNK = 64 << 10;
    static final int CAPACITY = 1 << 20;

    private final ProxiedConnection connection;
    private final Direction direction;
    private final Socket from;
    private final Socket to;
    private final ControlBoard board;
    private final TokenBucket bucket;
    private final Tally tally;
    private final BlockingQueue<Segment> line = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(CAPACITY);
    /** Half-open: this direction's receiver is gone; what arrives is discarded and nothing is written. */
    private volatile boolean swallowing;
    /** Half-open: this direction's sender is gone on purpose; its end is not an error. */
    private volatile boolean stopped;
    private long lastDue;
    private Thread reader;
    private Thread writer;
    /**
     * Taken in {@link #start} on the caller's thread: a half-open applied right after start closes
     * the upstream socket, and a writer thread asking for the stream only then would fail and reset
     * the initiator's side, the opposite of half-open (seen under load in CI).
     */
    private InputStream in;
    private OutputStream out;

    Pump(ProxiedConnection connection, Direction direction, Socket from, Socket to, ControlBoard board, TokenBucket bucket,
            Tally tally) {
        this.connection = connection;
        this.direction = direction;
        this.from = from;
        this.to = to;
        this.board = board;
        this.bucket = bucket;
        this.tally = tally;
    }

    void start(String name) throws IOException {
        in = from.getInputStream();
        out = to.getOutputStream();
        reader = Thread.ofVirtual().name(name + "-" + direction.label() + "-reader").start(this::read);
        writer = Thread.ofVirtual().name(name + "-" + direction.label() + "-writer").start(this::write);
    }

    /** Discards from now on what the sender sends (its receiver was closed by a half-open). */
    void swallow() {
        swallowing = true;
    }

    /** Ends this direction quietly: its sender is about to be closed by a half-open. */
    void stop() {
        stopped = true;
    }

    /** Interrupts both threads (the connection is closing; their sockets are closed too). */
    void interrupt() {
        if (reader != null) {
            reader.interrupt();
            writer.interrupt();
        }
    }

    private void read() {
        byte[] buffer = new byte[CHUNK];
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    line.put(stopped ? new Abort("stopped") : new End());
                    return;
                }
                room.acquire(n);
                line.put(new Data(Arrays.copyOf(buffer, n), System.nanoTime(), ThreadLocalRandom.current().nextDouble(-1, 1)));
            }
        } catch (IOException e) {
            if (!connection.isClosed()) {
                line.add(new Abort(stopped ? "stopped" : direction.label() + " read failed: " + e.getMessage()));
            }
        } catch (InterruptedException e) {
            // the connection is closing
        }
    }

    private void write() {
        try {
            while (true) {
                Segment s = line.take();
                try {
                    switch (s) {
                        case Data d -> {
                            deliver(d, out);
                            room.release(d.bytes().length);
                        }
                        case End e -> {
                            awaitForwarding();
                            if (swallowing) {
                                connection.close(); // the initiator gave up on a half-open connection
                            } else {
                                to.shutdownOutput(); // pass the FIN on, after everything before it
                                connection.directionEnded();
                            }
                            return;
                        }
                        case Abort a -> {
                            if (!stopped) {
                                awaitForwarding();
                                connection.reset(a.reason());
                            }
                            return;
                        }
                    }
                } catch (IOException e) {
                    if (!swallowing && !stopped) {
                        connection.reset(direction.label() + " write failed: " + e.getMessage());
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            // the connection is closing
        }
    }

    /** Waits while this direction is blackholed: a FIN or RST is held (or lost) with the bytes before it. */
    private void awaitForwarding() throws InterruptedException {
        for (ProxyControl c = board.get(); c.blackholes(direction) && !swallowing; c = board.get()) {
            board.awaitChange(c, Long.MAX_VALUE);
        }
    }

    private void deliver(Data d, OutputStream out) throws IOException, InterruptedException {
        byte[] b = d.bytes();
        int off = 0;
        boolean released = false;
        while (off < b.length) {
            ProxyControl c = board.get();
            if (swallowing || stopped) {
                tally.dropped.add(b.length - off);
                return;
            }
            if (c.blackholes(direction)) {
                if (c.blackhole() == BlackholeMode.DROP) {
                    tally.dropped.add(b.length - off);
                    return;
                }
                board.awaitChange(c, Long.MAX_VALUE);
                continue;
            }
            if (!released) {
                long due = Math.max(lastDue, d.arrivalNanos() + delayNanos(c, d.jitterDraw()));
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    board.awaitChange(c, wait);
                    continue;
                }
                lastDue = due;
                released = true;
            }
            int piece = b.length - off;
            if (c.bytesPerSecond() > 0) {
                piece = Math.min(piece, TokenBucket.burst(c.bytesPerSecond()));
                long wait = bucket.take(piece, c.bytesPerSecond());
                if (wait > 0) {
                    board.awaitChange(c, wait);
                    continue;
                }
            }
            out.write(b, off, piece);
            tally.forwarded(direction).add(piece);
            off += piece;
        }
    }

    private static long delayNanos(ProxyControl c, double jitterDraw) {
        return Math.max(0, c.latency().toNanos() + (long) (jitterDraw * c.jitter().toNanos()));
    }
}
