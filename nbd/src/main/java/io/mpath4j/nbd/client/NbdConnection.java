package io.mpath4j.nbd.client;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.nbd.protocol.ClientFlag;
import io.mpath4j.nbd.protocol.ClientFlags;
import io.mpath4j.nbd.protocol.ClientOption;
import io.mpath4j.nbd.protocol.CommandFlag;
import io.mpath4j.nbd.protocol.CommandType;
import io.mpath4j.nbd.protocol.ExportNameReply;
import io.mpath4j.nbd.protocol.HandshakeFlag;
import io.mpath4j.nbd.protocol.InfoItem;
import io.mpath4j.nbd.protocol.InfoType;
import io.mpath4j.nbd.protocol.NbdClientDecoder;
import io.mpath4j.nbd.protocol.NbdEncoder;
import io.mpath4j.nbd.protocol.NbdError;
import io.mpath4j.nbd.protocol.NbdProtocolException;
import io.mpath4j.nbd.protocol.OptionReply;
import io.mpath4j.nbd.protocol.OptionReplyType;
import io.mpath4j.nbd.protocol.OptionType;
import io.mpath4j.nbd.protocol.Request;
import io.mpath4j.nbd.protocol.ServerGreeting;
import io.mpath4j.nbd.protocol.SimpleReply;
import io.mpath4j.nbd.protocol.TransmissionFlag;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One TCP connection to one NBD export: fixed newstyle handshake, then the transmission phase with
 * many requests in flight (proto.md "Transmission").
 *
 * <p><b>Threads.</b> {@link #submit} never blocks: it assigns handles, registers the request and
 * puts it on a FIFO queue. One writer virtual thread takes requests off the queue and sends each
 * one, header and payload, under the writer lock, so two requests never interleave; at most
 * {@code maxInFlight} requests are sent and unanswered, the rest wait in the queue. One reader
 * virtual thread reads simple replies, matches them to requests by handle (replies come in any
 * order) and reads the data of a read straight into the caller's buffer (a duplicate of it: the
 * caller's position and limit never move). A watchdog virtual thread checks request deadlines.
 * Structured replies are not negotiated: simple replies are enough for reads into a buffer.
 *
 * <p><b>Splitting.</b> A request longer than the server's maximum block size (or 32 MiB) is sent
 * as several NBD requests; the I/O completes when all parts have, with the first failure if any
 * (a path error then says {@code mayStillExecute} if any part may still execute).
 *
 * <p><b>Failures.</b> A request whose reply is later than {@code requestTimeout} after it was
 * sent, a socket error, a protocol violation or EOF tears the connection down: the socket is
 * closed (abortively, so nothing still in our send buffer reaches the server), which also ends any
 * read into a caller's buffer, and only then does every outstanding request complete with {@link
 * IoStatus.PathError}, {@code mayStillExecute} true if any of its bytes were handed to the socket
 * (the server may still execute it: NBD has no abort) and false if it never left the queue. A
 * request completes exactly once and only after both the writer and the reader are done with its
 * buffer.
 *
 * <p><b>Server errors</b> (proto.md "Error values"; unknown values count as {@code NBD_EINVAL}, as
 * the spec asks):
 * <table>
 *   <caption>NBD error to engine outcome</caption>
 *   <tr><th>NBD error</th><th>{@link IoStatus}</th><th>why</th></tr>
 *   <tr><td>{@code NBD_EIO}</td><td>TargetError MEDIUM_ERROR</td><td>the backend failed the I/O:
 *       the data, not the path, is the problem (nbdkit and qemu-nbd pass the backend's EIO on);
 *       another path to the same medium would fail the same way</td></tr>
 *   <tr><td>{@code NBD_EPERM}</td><td>TargetError WRITE_PROTECTED for a write to a read-only
 *       export, else NOT_PERMITTED</td><td></td></tr>
 *   <tr><td>{@code NBD_ENOSPC}</td><td>TargetError NO_SPACE</td><td></td></tr>
 *   <tr><td>{@code NBD_EINVAL}, {@code NBD_EOVERFLOW}, {@code NBD_ENOTSUP}</td><td>TargetError
 *       ILLEGAL_REQUEST</td><td></td></tr>
 *   <tr><td>{@code NBD_ESHUTDOWN}</td><td>PathError, {@code mayStillExecute} false</td><td>the
 *       server is shutting down and did not execute it: go elsewhere. The connection then stops
 *       taking requests, waits for the outstanding ones and disconnects softly
 *       ({@code NBD_CMD_DISC}), as the spec asks</td></tr>
 *   <tr><td>{@code NBD_ENOMEM}</td><td>RetryLater 10 ms</td><td>transient on the server</td></tr>
 * </table>
 *
 * <p><b>Optional commands.</b> Flush is sent only if the server set {@code NBD_FLAG_SEND_FLUSH};
 * otherwise it completes OK at once: a server without that flag has no write cache to flush (a
 * client MUST NOT send {@code NBD_CMD_FLUSH} then). FUA is sent as {@code NBD_CMD_FLAG_FUA} if the
 * server set {@code SEND_FUA}, emulated by a flush after the write if it only set {@code
 * SEND_FLUSH}, and dropped if neither (no cache). Discard without {@code SEND_TRIM} completes OK
 * (it is advisory). Write-zeroes without {@code SEND_WRITE_ZEROES} is emulated by writing zeroes
 * in chunks of at most 1 MiB. Anything that changes the medium on a read-only export completes
 * with TargetError WRITE_PROTECTED without being sent.
 */
public final class NbdConnection {

    private static final System.Logger LOG = System.getLogger(NbdConnection.class.getName());

    /** Largest chunk of the write-zeroes emulation; the zero buffer is shared, read-only. */
    static final int ZERO_CHUNK = 1 << 20;

    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(ZERO_CHUNK).asReadOnlyBuffer();

    static final Duration ENOMEM_RETRY = Duration.ofMillis(10);

    private final NbdUri uri;
    private final NbdClientOptions options;
    private final SocketChannel channel;
    private final ExportInfo export;
    private final Consumer<NbdConnection> onTornDown;
    private final NbdClientDecoder decoder = new NbdClientDecoder();
    private final Map<Long, Pending> outstanding = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Semaphore window;
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean tearing = new AtomicBoolean();
    private final long timeoutNanos;
    private volatile boolean torn;
    private volatile boolean draining;
    private volatile String closeReason = "";
    private volatile long closedAtNanos;
    private volatile String disconnectReason; // set just before NBD_CMD_DISC is sent
    private Thread reader;
    private Thread writer;
    private Thread watchdog;

    private NbdConnection(NbdUri uri, NbdClientOptions options, SocketChannel channel, ExportInfo export,
            Consumer<NbdConnection> onTornDown) {
        this.uri = uri;
        this.options = options;
        this.channel = channel;
        this.export = export;
        this.onTornDown = onTornDown;
        this.window = new Semaphore(options.maxInFlight());
        this.timeoutNanos = options.requestTimeout().toNanos();
    }

    /**
     * Connects and negotiates within {@code connectTimeout}, then starts the transmission threads.
     *
     * @param onTornDown called once when the connection is torn down (by a failure or {@link
     *     #close}), after the socket is closed and before the outstanding requests complete, so
     *     that a caller who fences on their path error already sees {@link #closedAtNanos()}
     * @throws IOException if the server cannot be reached, refuses the export or breaks the protocol
     */
    public static NbdConnection open(NbdUri uri, NbdClientOptions options, Consumer<NbdConnection> onTornDown)
            throws IOException {
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            InetSocketAddress address = new InetSocketAddress(uri.host(), uri.port());
            if (address.isUnresolved()) {
                throw new IOException("cannot resolve " + uri.host() + " (" + uri + ")");
            }
            try {
                ch.socket().connect(address, (int) Math.max(1, options.connectTimeout().toMillis()));
            } catch (SocketTimeoutException e) {
                throw new IOException("connect to " + uri.authority() + " timed out after "
                        + options.connectTimeout().toMillis() + " ms", e);
            }
            ExportInfo export = new Handshake(ch, uri, deadline).run();
            ch.socket().setSoTimeout(0);
            NbdConnection c = new NbdConnection(uri, options, ch, export, onTornDown);
            c.start();
            return c;
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    private void start() {
        String name = uri.toString();
        reader = Thread.ofVirtual().name("nbd-reader " + name).start(this::readLoop);
        writer = Thread.ofVirtual().name("nbd-writer " + name).start(this::writeLoop);
        watchdog = Thread.ofVirtual().name("nbd-watchdog " + name).start(this::watchLoop);
    }

    public NbdUri uri() {
        return uri;
    }

    public ExportInfo export() {
        return export;
    }

    /** True until the connection is torn down or starts draining (server shutting down, close). */
    public boolean isUsable() {
        return !torn && !draining;
    }

    public boolean isTornDown() {
        return torn;
    }

    /** Why the connection was torn down, "" while it is up. */
    public String closeReason() {
        return closeReason;
    }

    /** {@link System#nanoTime()} right after the socket was closed; valid once {@link #isTornDown()}. */
    public long closedAtNanos() {
        return closedAtNanos;
    }

    /** Requests registered and not yet completed (queued or in flight). */
    public int outstanding() {
        return outstanding.size();
    }

    // ------------------------------------------------------------------ submission

    /** Sends {@code request}; never blocks; {@code completion} runs exactly once, on any thread. */
    public void submit(IoRequest request, Consumer<IoStatus> completion) {
        if (!isUsable()) {
            completion.accept(notUsable());
            return;
        }
        boolean readOnly = export.has(TransmissionFlag.READ_ONLY);
        switch (request) {
            case IoRequest.Read r -> {
                ByteBuffer b = r.buffer();
                if (!b.hasRemaining()) {
                    completion.accept(IoStatus.OK);
                    return;
                }
                sendRanged(CommandType.READ, 0, r.offset(), b.remaining(), b, b.position(), completion);
            }
            case IoRequest.Write w -> {
                if (readOnly) {
                    completion.accept(writeProtected(request));
                    return;
                }
                ByteBuffer b = w.buffer();
                if (!b.hasRemaining()) {
                    completion.accept(IoStatus.OK);
                    return;
                }
                boolean nativeFua = w.fua() && export.has(TransmissionFlag.SEND_FUA);
                boolean flushAfter = w.fua() && !nativeFua && export.has(TransmissionFlag.SEND_FLUSH);
                int flags = nativeFua ? CommandFlag.FUA.mask() : 0;
                Consumer<IoStatus> done = flushAfter ? s -> {
                    if (s.isOk()) {
                        submit(IoRequest.Flush.INSTANCE, completion);
                    } else {
                        completion.accept(s);
                    }
                } : completion;
                sendRanged(CommandType.WRITE, flags, w.offset(), b.remaining(), b, b.position(), done);
            }
            case IoRequest.Flush f -> {
                if (!export.has(TransmissionFlag.SEND_FLUSH)) {
                    completion.accept(IoStatus.OK); // no SEND_FLUSH: no volatile cache to flush
                    return;
                }
                enqueue(CommandType.FLUSH, 0, 0, 0, null, completion);
            }
            case IoRequest.Discard d -> {
                if (readOnly) {
                    completion.accept(writeProtected(request));
                } else if (!export.has(TransmissionFlag.SEND_TRIM)) {
                    completion.accept(IoStatus.OK); // trim is advisory
                } else {
                    sendRanged(CommandType.TRIM, 0, d.offset(), d.length(), null, 0, completion);
                }
            }
            case IoRequest.WriteZeroes z -> {
                if (readOnly) {
                    completion.accept(writeProtected(request));
                } else if (export.has(TransmissionFlag.SEND_WRITE_ZEROES)) {
                    int flags = z.mayUnmap() ? 0 : CommandFlag.NO_HOLE.mask();
                    sendRanged(CommandType.WRITE_ZEROES, flags, z.offset(), z.length(), null, 0, completion);
                } else {
                    sendZeroWrites(z.offset(), z.length(), completion);
                }
            }
        }
    }

    private IoStatus notUsable() {
        return new IoStatus.PathError("connection to " + uri + " is " + (torn ? "closed: " + closeReason
                : "draining (server shutting down or path closing)"), false);
    }

    private IoStatus writeProtected(IoRequest request) {
        return new IoStatus.TargetError(IoStatus.TargetError.Kind.WRITE_PROTECTED,
                "export " + uri + " is read-only (NBD_FLAG_READ_ONLY); " + request.getClass().getSimpleName() + " not sent");
    }

    /**
     * Sends [offset, offset+length) as one request, or as parts of at most {@link
     * ExportInfo#maxRequest()} bytes (a multiple of the minimum block size, so parts stay aligned).
     */
    private void sendRanged(CommandType type, int flags, long offset, long length, ByteBuffer buffer, int bufferStart,
            Consumer<IoStatus> completion) {
        int max = export.maxRequest();
        if (length <= max) {
            enqueue(type, flags, offset, (int) length, region(buffer, bufferStart, 0, (int) length), completion);
            return;
        }
        int parts = (int) ((length + max - 1) / max);
        Aggregate agg = new Aggregate(parts, completion);
        for (long done = 0; done < length; done += max) {
            int len = (int) Math.min(max, length - done);
            int at = (int) done; // buffers are at most 2 GiB: only ranged requests without a buffer go beyond
            enqueue(type, flags, offset + done, len, buffer == null ? null : region(buffer, bufferStart, at, len), agg);
        }
    }

    private void sendZeroWrites(long offset, long length, Consumer<IoStatus> completion) {
        int chunk = Math.min(export.maxRequest(), ZERO_CHUNK);
        int parts = (int) ((length + chunk - 1) / chunk);
        Consumer<IoStatus> target = parts == 1 ? completion : new Aggregate(parts, completion);
        for (long done = 0; done < length; done += chunk) {
            int len = (int) Math.min(chunk, length - done);
            enqueue(CommandType.WRITE, 0, offset + done, len, ZEROES.duplicate().limit(len).position(0), target);
        }
    }

    /** A duplicate of the caller's buffer over [start+at, start+at+len): the caller's own never moves. */
    private static ByteBuffer region(ByteBuffer buffer, int start, int at, int len) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer d = buffer.duplicate();
        d.limit(start + at + len).position(start + at);
        return d;
    }

    private void enqueue(CommandType type, int flags, long offset, int length, ByteBuffer data, Consumer<IoStatus> done) {
        Pending p = new Pending(nextHandle.getAndIncrement(), type, flags, offset, length, data, done);
        outstanding.put(p.handle, p);
        queue.offer(p);
        if (torn) {
            drainAll(); // raced with a teardown that may have drained before our put: nobody else will
        }
    }

    /** Completion of a split request: all parts done, first failure wins. */
    private static final class Aggregate implements Consumer<IoStatus> {
        private final AtomicInteger remaining;
        private final AtomicReference<IoStatus.Failure> first = new AtomicReference<>();
        private volatile boolean anyMayStillExecute;
        private final Consumer<IoStatus> completion;

        Aggregate(int parts, Consumer<IoStatus> completion) {
            this.remaining = new AtomicInteger(parts);
            this.completion = completion;
        }

        @Override
        public void accept(IoStatus s) {
            if (s instanceof IoStatus.Failure f) {
                first.compareAndSet(null, f);
                if (f instanceof IoStatus.PathError pe && pe.mayStillExecute()) {
                    anyMayStillExecute = true;
                }
            }
            if (remaining.decrementAndGet() == 0) {
                IoStatus.Failure f = first.get();
                if (f == null) {
                    completion.accept(IoStatus.OK);
                } else if (f instanceof IoStatus.PathError pe && !pe.mayStillExecute() && anyMayStillExecute) {
                    // another part may still execute: the engine must fence before a redrive
                    completion.accept(new IoStatus.PathError(pe.reason(), true));
                } else {
                    completion.accept(f);
                }
            }
        }
    }

    /**
     * One NBD request. Two holds guard its buffer: the writer's (released once it is sent, fails, or
     * is drained from the queue) and the reply's (released once the reply and its data are read, or
     * the request is failed by a teardown). It completes when both are released, so neither
     * thread can touch the buffer after the completion runs.
     */
    private static final class Pending {
        final long handle;
        final CommandType type;
        final int flags;
        final long offset;
        final int length;
        final ByteBuffer data;
        final Consumer<IoStatus> done;
        final AtomicInteger holds = new AtomicInteger(2);
        volatile boolean sendStarted;
        volatile long sentNanos;
        volatile IoStatus reply;
        volatile String failure;

        Pending(long handle, CommandType type, int flags, long offset, int length, ByteBuffer data, Consumer<IoStatus> done) {
            this.handle = handle;
            this.type = type;
            this.flags = flags;
            this.offset = offset;
            this.length = length;
            this.data = data;
            this.done = done;
        }

        void release() {
            if (holds.decrementAndGet() == 0) {
                IoStatus s = reply;
                done.accept(s != null ? s : new IoStatus.PathError(failure == null ? "connection closed" : failure,
                        sendStarted));
            }
        }

        String describe() {
            return type + " of " + length + " bytes at " + offset;
        }
    }

    // ------------------------------------------------------------------ the threads

    /** Most requests one gathering write sends (several queued requests go out in one syscall). */
    private static final int MAX_BATCH = 64;
    /** Write payload bytes after which a batch takes no more requests. */
    private static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;
    /** Receive buffer of the reader: reply headers and small read data come out of it, many per syscall. */
    private static final int RECEIVE_BUFFER = 256 * 1024;
    /** Read length from which the next reply's header is received alone (see {@link #readLoop}). */
    private static final int LARGE_READ = 64 * 1024;

    /**
     * Sends queued requests: the first one waits for work and a window slot; as many more as are
     * queued and fit the window (up to {@link #MAX_BATCH}) join it, and the batch goes out in one
     * gathering write, headers and write payloads in order, under the write lock.
     */
    private void writeLoop() {
        ByteBuffer headers = ByteBuffer.allocateDirect(MAX_BATCH * Request.HEADER_LENGTH);
        ByteBuffer[] bufs = new ByteBuffer[2 * MAX_BATCH];
        Pending[] batch = new Pending[MAX_BATCH];
        try {
            while (!torn) {
                Pending first = queue.take();
                if (torn) {
                    first.release();
                    break;
                }
                try {
                    window.acquire();
                } catch (InterruptedException e) {
                    first.release();
                    break;
                }
                int n = 0;
                batch[n++] = first;
                long payload = first.type == CommandType.WRITE ? first.length : 0;
                while (n < MAX_BATCH && payload < MAX_BATCH_BYTES && window.tryAcquire()) {
                    Pending p = queue.poll();
                    if (p == null) {
                        window.release();
                        break;
                    }
                    batch[n++] = p;
                    if (p.type == CommandType.WRITE) {
                        payload += p.length;
                    }
                }
                writeLock.lock();
                int k = 0;
                try {
                    if (torn) {
                        break;
                    }
                    headers.clear();
                    int run = 0; // start of the headers not yet in bufs
                    long now = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        Pending p = batch[i];
                        p.sentNanos = now;
                        p.sendStarted = true;
                        NbdEncoder.encodeRequestHeader(p.flags, p.type.code(), p.handle, p.offset, p.length, headers);
                        if (p.type == CommandType.WRITE) {
                            bufs[k++] = headers.slice(run, headers.position() - run);
                            bufs[k++] = p.data;
                            run = headers.position();
                        }
                    }
                    if (headers.position() > run) {
                        bufs[k++] = headers.slice(run, headers.position() - run);
                    }
                    int at = 0;
                    while (at < k) {
                        channel.write(bufs, at, k - at);
                        while (at < k && !bufs[at].hasRemaining()) {
                            at++;
                        }
                    }
                } catch (IOException e) {
                    teardown("sending " + batch[0].describe() + (n > 1 ? " and " + (n - 1) + " more" : "")
                            + " failed: " + e, true);
                    break;
                } finally {
                    writeLock.unlock();
                    java.util.Arrays.fill(bufs, 0, k, null);
                    for (int i = 0; i < n; i++) {
                        batch[i].release();
                        batch[i] = null;
                    }
                }
            }
        } catch (InterruptedException e) {
            // teardown interrupts us while we wait for work
        }
    }

    /**
     * Receives replies: reads as much as the socket has into a receive buffer and takes reply
     * headers and read data from it (so a burst of small replies costs one syscall, not two per
     * reply); the part of a read's data not yet received goes straight into the caller's buffer.
     */
    private void readLoop() {
        ByteBuffer rx = ByteBuffer.allocateDirect(RECEIVE_BUFFER).flip();
        boolean afterLargeRead = false;
        try {
            while (true) {
                while (rx.remaining() < SimpleReply.HEADER_LENGTH) {
                    // After a large read the next reply is likely one too: take only its header,
                    // so that its data goes straight into the caller's buffer rather than in part
                    // through rx (a copy of up to RECEIVE_BUFFER bytes per reply saved).
                    receive(rx, afterLargeRead ? SimpleReply.HEADER_LENGTH - rx.remaining() : RECEIVE_BUFFER);
                }
                SimpleReply r = decoder.decodeSimpleReplyHeader(rx);
                Pending p = outstanding.remove(r.handle());
                if (p == null) {
                    if (torn) {
                        return;
                    }
                    throw new NbdProtocolException("reply for handle " + r.handle() + ", which is not in flight");
                }
                window.release();
                afterLargeRead = p.type == CommandType.READ && p.length >= LARGE_READ;
                if (r.isOk()) {
                    if (p.type == CommandType.READ) {
                        try {
                            ByteBuffer d = p.data;
                            int take = Math.min(rx.remaining(), d.remaining());
                            if (take > 0) {
                                d.put(d.position(), rx, rx.position(), take).position(d.position() + take);
                                rx.position(rx.position() + take);
                            }
                            readFully(d);
                        } catch (IOException e) {
                            p.failure = "reading the data of " + p.describe() + " from " + uri + " failed: " + e;
                            p.release();
                            throw e;
                        }
                    }
                    p.reply = IoStatus.OK;
                } else {
                    p.reply = mapError(r.error(), p);
                    if (r.error() == NbdError.ESHUTDOWN.code()) {
                        startDraining();
                    }
                }
                p.release();
            }
        } catch (EOFException e) {
            teardown("server " + uri.authority() + " closed the connection", true);
        } catch (NbdProtocolException e) {
            teardown("protocol error from " + uri.authority() + ": " + e.getMessage(), true);
        } catch (IOException e) {
            teardown("receive from " + uri.authority() + " failed: " + e, true);
        } catch (RuntimeException e) {
            teardown("reader failed: " + e, true);
            throw e;
        }
    }

    /** Reads at most {@code atMost} more bytes into {@code rx} (read mode: unconsumed bytes from position to limit). */
    private void receive(ByteBuffer rx, int atMost) throws IOException {
        rx.compact();
        if (rx.remaining() > atMost) {
            rx.limit(rx.position() + atMost); // flip() below sets the limit again
        }
        int n;
        try {
            n = channel.read(rx);
        } finally {
            rx.flip();
        }
        if (n < 0) {
            throw new EOFException();
        }
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException();
            }
        }
    }

    /**
     * Checks deadlines every eighth of the request timeout (10..250 ms): a scan of the outstanding
     * requests costs nothing per I/O, unlike a timer per request.
     */
    private void watchLoop() {
        long tick = Math.clamp(timeoutNanos / 8, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(250));
        try {
            while (!torn) {
                TimeUnit.NANOSECONDS.sleep(tick);
                long now = System.nanoTime();
                for (Pending p : outstanding.values()) {
                    if (p.sendStarted && now - p.sentNanos > timeoutNanos) {
                        teardown(p.describe() + " timed out after " + options.requestTimeout().toMillis()
                                + " ms on " + uri, true);
                        return;
                    }
                }
                if (draining && outstanding.isEmpty()) {
                    disconnect("server " + uri.authority() + " is shutting down (NBD_ESHUTDOWN)");
                    return;
                }
            }
        } catch (InterruptedException e) {
            // torn down
        }
    }

    private void startDraining() {
        if (!draining) {
            draining = true;
            LOG.log(System.Logger.Level.INFO, "{0}: server is shutting down (NBD_ESHUTDOWN); draining", uri);
        }
    }

    // ------------------------------------------------------------------ teardown

    /**
     * Closes the socket, then completes every outstanding request with a path error. Idempotent.
     *
     * @param abortive reset the connection (SO_LINGER 0) so that nothing still in our send buffer
     *     reaches the server after this point
     */
    private void teardown(String reason, boolean abortive) {
        if (!tearing.compareAndSet(false, true)) {
            return;
        }
        String disc = disconnectReason;
        if (disc != null) {
            // we sent NBD_CMD_DISC: the server closing its end (the reader's EOF) is the expected answer
            reason = disc;
            abortive = false;
        }
        closeReason = reason;
        torn = true;
        if (abortive) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException ignored) {
                // the socket may be gone already
            }
        }
        try {
            channel.close(); // returns once no read or write of ours is in progress on the socket
        } catch (IOException ignored) {
            // closing anyway
        }
        closedAtNanos = System.nanoTime();
        LOG.log(System.Logger.Level.INFO, "{0}: connection torn down: {1} ({2} outstanding)", uri, reason,
                outstanding.size());
        Thread self = Thread.currentThread();
        for (Thread t : new Thread[] {writer, watchdog}) {
            if (t != null && t != self) {
                t.interrupt();
            }
        }
        try {
            onTornDown.accept(this);
        } finally {
            drainAll();
        }
    }

    /** Fails whatever is still queued or outstanding; safe to call from any thread, any number of times. */
    private void drainAll() {
        String reason = "connection to " + uri + " lost: " + closeReason;
        for (Pending p; (p = queue.poll()) != null; ) {
            p.failure = reason;
            p.release(); // the writer's hold: it never took this one
        }
        for (Map.Entry<Long, Pending> e : outstanding.entrySet()) {
            Pending p = e.getValue();
            if (outstanding.remove(e.getKey(), p)) {
                p.failure = reason;
                p.release(); // the reply's hold
            }
        }
    }

    /** Soft disconnect: {@code NBD_CMD_DISC} (no reply), then close. */
    private void disconnect(String reason) {
        if (torn) {
            return;
        }
        boolean locked = false;
        try {
            locked = writeLock.tryLock(1, TimeUnit.SECONDS);
            if (locked && !torn) {
                disconnectReason = reason;
                ByteBuffer disc = ByteBuffer.allocate(Request.HEADER_LENGTH);
                NbdEncoder.encodeRequestHeader(0, CommandType.DISC.code(), nextHandle.getAndIncrement(), 0, 0, disc);
                disc.flip();
                while (disc.hasRemaining()) {
                    channel.write(disc);
                }
            }
        } catch (IOException | InterruptedException ignored) {
            // closing anyway
        } finally {
            if (locked) {
                writeLock.unlock();
            }
        }
        teardown(reason, false);
    }

    /**
     * Closes the connection: no new requests, up to one second for the outstanding ones to finish,
     * then {@code NBD_CMD_DISC} and close; whatever is still outstanding then completes with a
     * path error.
     */
    public void close() {
        draining = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (!torn && !outstanding.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (outstanding.isEmpty()) {
            disconnect("closed by the client");
        } else {
            teardown("closed by the client with " + outstanding.size() + " requests outstanding", true);
        }
    }

    /** Tears the connection down as a failure would (tests, administrative reset). */
    public void abort(String reason) {
        teardown(reason, true);
    }

    // ------------------------------------------------------------------ error classification

    /** Classifies an NBD error value (see the table in the class comment). */
    IoStatus mapError(int code, Pending p) {
        NbdError e = NbdError.orEinval(code);
        String what = "NBD_" + e.name() + (e.code() == code ? "" : " (unknown error " + code + ")")
                + " from " + uri + " for " + p.describe();
        return switch (e) {
            case EIO -> new IoStatus.TargetError(IoStatus.TargetError.Kind.MEDIUM_ERROR, what);
            case EPERM -> new IoStatus.TargetError(p.type != CommandType.READ && export.has(TransmissionFlag.READ_ONLY)
                    ? IoStatus.TargetError.Kind.WRITE_PROTECTED : IoStatus.TargetError.Kind.NOT_PERMITTED, what);
            case ENOSPC -> new IoStatus.TargetError(IoStatus.TargetError.Kind.NO_SPACE, what);
            case EINVAL, EOVERFLOW, ENOTSUP -> new IoStatus.TargetError(IoStatus.TargetError.Kind.ILLEGAL_REQUEST, what);
            case ESHUTDOWN -> new IoStatus.PathError(what + ": the server is shutting down", false);
            case ENOMEM -> new IoStatus.RetryLater(ENOMEM_RETRY, what);
        };
    }

    @Override
    public String toString() {
        return "NbdConnection[" + uri + (torn ? ", closed: " + closeReason : draining ? ", draining" : ", up")
                + ", outstanding=" + outstanding.size() + "]";
    }

    // ------------------------------------------------------------------ handshake

    /** The fixed newstyle handshake (proto.md "Fixed newstyle negotiation"), blocking, with a deadline. */
    private static final class Handshake {
        private final SocketChannel ch;
        private final NbdUri uri;
        private final long deadline;
        private final InputStream in;
        private final NbdClientDecoder decoder = new NbdClientDecoder();
        private final ByteBuffer buf = ByteBuffer.allocate(128 * 1024).flip();

        Handshake(SocketChannel ch, NbdUri uri, long deadline) throws IOException {
            this.ch = ch;
            this.uri = uri;
            this.deadline = deadline;
            // The socket adaptor's stream honours SO_TIMEOUT, which channel reads do not.
            this.in = ch.socket().getInputStream();
        }

        @FunctionalInterface
        private interface Decode<T> {
            T decode(ByteBuffer b) throws NbdProtocolException;
        }

        ExportInfo run() throws IOException {
            try {
                ServerGreeting g = read(decoder::decodeGreeting, "the greeting");
                boolean fixed = g.has(HandshakeFlag.FIXED_NEWSTYLE);
                boolean noZeroes = g.has(HandshakeFlag.NO_ZEROES);
                int flags = (fixed ? ClientFlag.FIXED_NEWSTYLE.mask() : 0) | (noZeroes ? ClientFlag.NO_ZEROES.mask() : 0);
                send(NbdEncoder.encode(new ClientFlags(flags)));
                ExportInfo export = fixed ? go() : null;
                if (export == null) {
                    export = exportName(noZeroes);
                }
                if (buf.hasRemaining()) {
                    throw new NbdProtocolException(buf.remaining() + " unexpected bytes after the handshake");
                }
                return export;
            } catch (NbdProtocolException e) {
                throw new IOException("protocol error in the handshake with " + uri.authority() + ": " + e.getMessage(), e);
            }
        }

        /** {@code NBD_OPT_GO} asking for block sizes; null if the server does not know GO. */
        private ExportInfo go() throws IOException, NbdProtocolException {
            send(NbdEncoder.encode(new ClientOption.Go(uri.export(), InfoType.BLOCK_SIZE)));
            InfoItem.Export exp = null;
            InfoItem.BlockSize bs = null;
            while (true) {
                OptionReply r = read(decoder::decodeOptionReply, "the reply to NBD_OPT_GO");
                if (r.option() != OptionType.GO.code()) {
                    throw new NbdProtocolException("reply to option " + r.option() + " while waiting for NBD_OPT_GO");
                }
                switch (r) {
                    case OptionReply.Info i -> {
                        switch (i.item()) {
                            case InfoItem.Export e -> exp = e;
                            case InfoItem.BlockSize b -> bs = b;
                            default -> { } // names, descriptions, unknown items: ignored (MUST ignore unknown)
                        }
                    }
                    case OptionReply.Ack a -> {
                        if (exp == null) {
                            throw new NbdProtocolException("NBD_REP_ACK to NBD_OPT_GO without NBD_INFO_EXPORT");
                        }
                        if (bs == null) {
                            return new ExportInfo(uri.export(), exp.size(), exp.transmissionFlags(), 1, 4096,
                                    InfoItem.BlockSize.UNLIMITED, false);
                        }
                        return new ExportInfo(uri.export(), exp.size(), exp.transmissionFlags(), bs.minimum(),
                                bs.preferred(), bs.maximum(), true);
                    }
                    case OptionReply.ErrorReply e -> {
                        if (e.type() == OptionReplyType.ERR_UNSUP.code()) {
                            return null; // an older server: fall back to NBD_OPT_EXPORT_NAME
                        }
                        throw new IOException("server " + uri.authority() + " refused export '" + uri.export() + "': "
                                + e.kind().map(Enum::name).orElse("error " + Integer.toHexString(e.type()))
                                + (e.message().isEmpty() ? "" : " (" + e.message() + ")"));
                    }
                    default -> throw new NbdProtocolException("unexpected reply " + r + " to NBD_OPT_GO");
                }
            }
        }

        private ExportInfo exportName(boolean noZeroes) throws IOException, NbdProtocolException {
            send(NbdEncoder.encode(new ClientOption.ExportName(uri.export())));
            ExportNameReply r;
            try {
                r = read(b -> decoder.decodeExportNameReply(b, noZeroes), "the reply to NBD_OPT_EXPORT_NAME");
            } catch (EOFException e) {
                throw new IOException("server " + uri.authority() + " closed the connection on NBD_OPT_EXPORT_NAME '"
                        + uri.export() + "' (no such export?)", e);
            }
            return new ExportInfo(uri.export(), r.size(), r.transmissionFlags(), 1, 4096, InfoItem.BlockSize.UNLIMITED, false);
        }

        private void send(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        private <T> T read(Decode<T> decode, String what) throws IOException, NbdProtocolException {
            while (true) {
                T v = decode.decode(buf);
                if (v != null) {
                    return v;
                }
                buf.compact();
                if (!buf.hasRemaining()) {
                    throw new NbdProtocolException(what + " does not fit in " + buf.capacity() + " bytes");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("handshake with " + uri.authority() + " timed out waiting for " + what);
                }
                ch.socket().setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                int n;
                try {
                    n = in.read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
                } catch (SocketTimeoutException e) {
                    throw new IOException("handshake with " + uri.authority() + " timed out waiting for " + what, e);
                }
                if (n < 0) {
                    throw new EOFException("server " + uri.authority() + " closed the connection while we waited for " + what);
                }
                buf.position(buf.position() + n);
                buf.flip();
            }
        }
    }
}
