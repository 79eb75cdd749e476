package io.mpath4j.nbd.server;

import io.mpath4j.core.Geometry;
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
import io.mpath4j.nbd.protocol.InvalidOptionException;
import io.mpath4j.nbd.protocol.NbdEncoder;
import io.mpath4j.nbd.protocol.NbdError;
import io.mpath4j.nbd.protocol.NbdMagic;
import io.mpath4j.nbd.protocol.NbdProtocolException;
import io.mpath4j.nbd.protocol.NbdServerDecoder;
import io.mpath4j.nbd.protocol.OptionReply;
import io.mpath4j.nbd.protocol.OptionReplyType;
import io.mpath4j.nbd.protocol.OptionType;
import io.mpath4j.nbd.protocol.ReplyChunk;
import io.mpath4j.nbd.protocol.ReplyType;
import io.mpath4j.nbd.protocol.Request;
import io.mpath4j.nbd.protocol.ServerGreeting;
import io.mpath4j.nbd.protocol.SimpleReply;
import io.mpath4j.nbd.protocol.TransmissionFlag;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;

/**
 * One client connection of an {@link NbdServer}: the handshake, then the transmission phase.
 *
 * <h2>Handshake</h2>
 * Fixed newstyle with {@code NBD_FLAG_NO_ZEROES}. A client that does not set {@code
 * NBD_FLAG_C_FIXED_NEWSTYLE} may only send {@code NBD_OPT_EXPORT_NAME}. Option replies follow
 * proto.md: {@code NBD_REP_ERR_UNSUP} for unknown options, {@code NBD_REP_ERR_INVALID} for
 * malformed option data ({@link InvalidOptionException}), {@code NBD_REP_ERR_UNKNOWN} for an
 * unknown export, {@code NBD_REP_ERR_TLS_REQD} before TLS when TLS is required. {@code INFO} and
 * {@code GO} always send {@code NBD_INFO_EXPORT} and {@code NBD_INFO_BLOCK_SIZE} (minimum = the
 * device's logical block size, preferred = max(4096, physical block size), maximum = the payload
 * limit), and {@code NBD_INFO_NAME} / {@code NBD_INFO_DESCRIPTION} when asked.
 *
 * <h2>Transmission</h2>
 * Each request is checked and submitted to the device at once; its reply is queued when the device
 * completes it and written by this connection's writer thread, so replies go out in completion
 * order and never interleave. A reply the device completes on the reader thread itself (a device
 * that completes inline) is held by the reader instead and written by it, together with the other
 * replies of the same burst of requests, just before it waits again (for input or for admission):
 * one gathering write per burst and no hand-off. The completion threads of other devices never
 * write to the socket: a client that does not read cannot stall them. A reader that turns out to
 * do nearly all the work itself moves to a platform thread ({@link #shouldMoveToPlatformThread}). Checks, in order: flags valid for the command ({@code FUA} on any,
 * {@code DF} on reads, {@code NO_HOLE} on write-zeroes; otherwise {@code EINVAL}), read-only export
 * ({@code EPERM} for write, trim, write-zeroes), range ({@code ENOSPC} for write and write-zeroes
 * beyond the end, {@code EINVAL} for read and trim, as proto.md "Error values" says), alignment to
 * the minimum block size ({@code EINVAL}), read length over the maximum block size ({@code
 * EINVAL}). A write longer than the maximum is a protocol error (the decoder refuses to buffer it)
 * and closes the connection; trim and write-zeroes of any length are served (proto.md: the server
 * SHOULD NOT disconnect for those). Zero-length requests succeed without reaching the device.
 *
 * <p>{@code FUA} on a write becomes {@code Write(fua=true)}; on trim and write-zeroes, whose
 * {@link IoRequest}s have no FUA, a device flush runs after the operation and before the reply.
 * {@code NO_HOLE} makes {@code WriteZeroes(mayUnmap=false)}. {@code FAST_ZERO} is not advertised
 * (and so refused with {@code EINVAL}): the device cannot promise that zeroing is fast.
 *
 * <p>{@code NBD_CMD_FLUSH}: proto.md requires the flush to cover every write that was completed
 * (replied to) before the flush was received. The reply to a write is queued only after the device
 * completed the write, and the flush is submitted to the device after it is received, hence after
 * those completions; the device's {@link IoRequest.Flush} makes every write it has completed
 * durable. Writes still in flight when the flush arrives are not covered, as the spec allows.
 *
 * <p>{@code NBD_CMD_DISC}: no more requests are read; every request in flight completes and is
 * answered, then the connection closes.
 *
 * <h2>Flow control</h2>
 * The reader admits a request only while the connection's unanswered payload bytes (write data held,
 * read buffers allocated) stay within {@link NbdServer.Builder#maxBytesInFlight} and its unanswered
 * requests within {@link NbdServer.Builder#maxRequestsInFlight}; otherwise it stops reading until
 * replies have been written. A client that does not read its replies therefore stops being read,
 * and is dropped after {@link NbdServer.Builder#replyTimeout} without write progress.
 */
final class NbdConnection {

    private static final System.Logger LOG = System.getLogger("io.mpath4j.nbd.server");

    static final int HANDSHAKE_FLAGS = HandshakeFlag.maskOf(HandshakeFlag.FIXED_NEWSTYLE, HandshakeFlag.NO_ZEROES);
    private static final int INITIAL_BUFFER = 64 * 1024;
    private static final int MAX_BATCH = 64;
    private static final long MAX_BATCH_BYTES = 8L * 1024 * 1024;
    /** Most reply bytes the reader holds back for its own write (see {@link #send}). */
    private static final long MAX_HELD_BYTES = 256 * 1024;

    /**
     * One reply, ready to write: buffers in order, the admitted cost it gives back once written,
     * and the pooled read buffer to give back to {@link ReadBufferPool} then (or null).
     */
    private record Outgoing(ByteBuffer[] buffers, long cost, ByteBuffer pooled) {
        Outgoing(ByteBuffer[] buffers, long cost) {
            this(buffers, cost, null);
        }
    }

    private static final Outgoing POISON = new Outgoing(new ByteBuffer[0], 0);

    private final NbdServer server;
    private final SocketChannel channel;
    private final NbdServerDecoder decoder;
    private final String peer;
    private final long startNanos = System.nanoTime();

    /** Unread input, in read mode (position to limit). Reader thread only. */
    private ByteBuffer in = ByteBuffer.allocate(INITIAL_BUFFER).flip();
    /** Plain, or TLS after STARTTLS; set by the reader before the writer starts. */
    private volatile Conduit io;
    private boolean tls;
    private boolean structured;
    private NbdExport export;
    private long size;
    private int minBlock;
    private long maxRead;

    private volatile boolean transmission;
    private volatile boolean closing;
    private volatile String closeReason;

    // Flow control and in-flight accounting, guarded by lock.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long bytesInFlight;
    private int requestsInFlight;
    private int deviceInFlight;

    private final LinkedBlockingQueue<Outgoing> replies = new LinkedBlockingQueue<>();
    private Thread writer;
    /** This connection's reader; replies it completes itself are held in {@link #held}. */
    private volatile Thread readerThread;
    /**
     * Replies of requests the device completed on the reader thread itself (a device that
     * completes inline, like a memory disk), written by the reader in one gathering write before
     * it next waits: for input, for admission, or at the end. Reader thread only.
     */
    private final ArrayList<Outgoing> held = new ArrayList<>();
    /** Serializes the socket writes of the reader (held replies) and of the writer thread. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private ByteBuffer[] heldBufs = new ByteBuffer[MAX_BATCH * 2];
    private long heldBytes;
    /** Requests the reader handled, and how many of them the device completed on the reader. */
    private long requestsServed;
    private long inlineCompletions;
    private boolean placementDecided;
    /** Requests after which the reader's thread kind is decided ({@link #shouldMoveToPlatformThread}). */
    static final int PLACEMENT_SAMPLE = 1024;
    /** When the writer started the write in progress; 0 when it is not writing. */
    private volatile long writeStartedNanos;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    NbdConnection(NbdServer server, SocketChannel channel) throws IOException {
        this.server = server;
        this.channel = channel;
        this.decoder = new NbdServerDecoder(server.limits);
        this.peer = String.valueOf(channel.getRemoteAddress());
        this.io = new Conduit.Plain(channel);
    }

    void start() {
        Thread.ofVirtual().name("nbd-conn " + peer).start(this::run);
    }

    @Override
    public String toString() {
        return "NBD connection from " + peer + (export != null ? " to export '" + export.name() + "'" : "");
    }

    // ------------------------------------------------------------------ life cycle

    private void run() {
        readerThread = Thread.currentThread();
        boolean soft = false;
        try {
            NbdExport e = handshake();
            if (e != null) {
                soft = transmit(e);
            }
        } catch (EOFException e) {
            LOG.log(Level.DEBUG, () -> this + ": client closed the connection");
        } catch (NbdProtocolException e) {
            LOG.log(Level.INFO, this + ": protocol error, closing: " + e.getMessage());
        } catch (IOException e) {
            if (!closing) {
                LOG.log(Level.DEBUG, () -> this + ": " + e);
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, this + ": unexpected failure, closing", e);
        } finally {
            finish(soft);
        }
    }

    /**
     * Ends the connection: on a soft disconnect the replies of all requests in flight are written
     * first; otherwise the socket closes now and their replies are dropped. Either way this returns
     * (and the server forgets the connection) only once the device completed all of them.
     */
    private void finish(boolean soft) {
        if (!soft) {
            abort(closeReason != null ? closeReason : "connection ended");
        }
        lock.lock();
        try {
            while (deviceInFlight > 0) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (writer != null) {
            replies.add(POISON);
            boolean interrupted = false;
            while (writer.isAlive()) {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        closing = true;
        NbdServer.closeQuietly(channel);
        server.removed(this);
        terminated.complete(null);
        LOG.log(Level.DEBUG, () -> this + " closed" + (closeReason != null ? ": " + closeReason : ""));
    }

    /** Closes the socket now (from any thread); the reader and writer then end. */
    void abort(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        closing = true;
        NbdServer.closeQuietly(channel);
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void awaitTerminated() {
        terminated.join();
    }

    /** Called every second by the server: handshake timeout and stalled reply writes. */
    void checkStalled(long now) {
        if (!transmission && now - startNanos > server.handshakeTimeout.toNanos()) {
            LOG.log(Level.INFO, this + ": handshake not finished within " + server.handshakeTimeout + ", closing");
            abort("handshake timeout");
        }
        long w = writeStartedNanos;
        if (w != 0 && now - w > server.replyTimeout.toNanos()) {
            LOG.log(Level.INFO, this + ": client has not read replies for " + server.replyTimeout + ", closing");
            abort("reply write stalled");
        }
    }

    // ------------------------------------------------------------------ input

    @FunctionalInterface
    private interface Decode<T> {
        T decode(ByteBuffer in) throws NbdProtocolException;
    }

    /** Decodes the next message, reading more input as needed; frames are at most {@code maxFrame} bytes. */
    private <T> T next(Decode<T> d, int maxFrame) throws IOException, NbdProtocolException {
        while (true) {
            T v = d.decode(in);
            if (v != null) {
                return v;
            }
            fill(maxFrame);
        }
    }

    private void fill(int maxFrame) throws IOException, NbdProtocolException {
        if (!in.hasRemaining() && in.capacity() > 4 * INITIAL_BUFFER) {
            in = ByteBuffer.allocate(INITIAL_BUFFER).flip(); // give back the room of a large write
        }
        in.compact();
        if (!in.hasRemaining()) {
            if (in.capacity() >= maxFrame) {
                // The decoder bounds every frame by the limits, so this is a bug, not a client's doing.
                throw new NbdProtocolException("frame larger than " + maxFrame + " bytes");
            }
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.min((long) maxFrame, 2L * in.capacity()));
            bigger.put(in.flip());
            in = bigger;
        }
        int n = io.read(in);
        in.flip();
        if (n < 0) {
            throw new EOFException();
        }
    }

    // ------------------------------------------------------------------ handshake

    /** Negotiates; returns the export to serve, or null when the client ended negotiation. */
    private NbdExport handshake() throws IOException, NbdProtocolException {
        write(NbdEncoder.encode(new ServerGreeting(HANDSHAKE_FLAGS)));
        ClientFlags flags = next(b -> decoder.decodeClientFlags(b, HANDSHAKE_FLAGS), ClientFlags.LENGTH);
        boolean fixed = flags.has(ClientFlag.FIXED_NEWSTYLE);
        boolean noZeroes = flags.has(ClientFlag.NO_ZEROES);
        int maxOption = NbdEncoder.OPTION_HEADER_LENGTH + server.limits.maxOptionLength();
        while (true) {
            ClientOption option;
            try {
                option = next(decoder::decodeOption, maxOption);
            } catch (InvalidOptionException e) {
                if (!fixed || e.option() == OptionType.EXPORT_NAME.code()) {
                    throw e; // no error reply exists here: the session ends
                }
                replyError(e.option(), OptionReplyType.ERR_INVALID, e.getMessage());
                continue;
            }
            if (!fixed && !(option instanceof ClientOption.ExportName)) {
                throw new NbdProtocolException("client without NBD_FLAG_C_FIXED_NEWSTYLE sent option " + option.code());
            }
            boolean tlsGate = server.tlsRequired && !tls;
            switch (option) {
                case ClientOption.ExportName o -> {
                    if (tlsGate) {
                        throw new NbdProtocolException("NBD_OPT_EXPORT_NAME before TLS, which this server requires");
                    }
                    NbdExport e = server.lookup(o.name());
                    if (e == null) {
                        throw new NbdProtocolException("NBD_OPT_EXPORT_NAME for unknown export '" + o.name() + "'");
                    }
                    select(e);
                    write(NbdEncoder.encode(new ExportNameReply(size, transmissionFlags(e)), noZeroes));
                    return e;
                }
                case ClientOption.Abort o -> {
                    try {
                        reply(new OptionReply.Ack(o.code()));
                    } catch (IOException ignored) {
                        // the client may close without reading the ack (proto.md allows it)
                    }
                    return null;
                }
                case ClientOption.StartTls o -> startTls(o);
                default -> {
                    if (tlsGate) {
                        replyError(option.code(), OptionReplyType.ERR_TLS_REQD,
                                "this server requires TLS: send NBD_OPT_STARTTLS first");
                        continue;
                    }
                    NbdExport go = negotiate(option);
                    if (go != null) {
                        return go;
                    }
                }
            }
        }
    }

    /** Options allowed once TLS requirements are met; returns the export when {@code GO} succeeded. */
    private NbdExport negotiate(ClientOption option) throws IOException {
        switch (option) {
            case ClientOption.ListExports o -> {
                for (NbdExport e : server.exports.values()) {
                    reply(new OptionReply.Server(o.code(), e.name(), e.description()));
                }
                reply(new OptionReply.Ack(o.code()));
            }
            case ClientOption.StructuredReply o -> {
                structured = true;
                reply(new OptionReply.Ack(o.code()));
            }
            case ClientOption.ExportQuery q -> {
                NbdExport e = server.lookup(q.name());
                if (e == null) {
                    replyError(q.code(), OptionReplyType.ERR_UNKNOWN, "no export named '" + q.name() + "'");
                    return null;
                }
                Geometry g = e.device().geometry();
                List<OptionReply> items = new ArrayList<>();
                items.add(new OptionReply.Info(q.code(), new InfoItem.Export(g.sizeBytes(), transmissionFlags(e))));
                if (q.requests(InfoType.NAME)) {
                    items.add(new OptionReply.Info(q.code(), new InfoItem.Name(e.name())));
                }
                if (q.requests(InfoType.DESCRIPTION) && !e.description().isEmpty()) {
                    items.add(new OptionReply.Info(q.code(), new InfoItem.Description(e.description())));
                }
                // Sent whether asked or not (proto.md lets the server send it unrequested), so that
                // every client that reads it learns the alignment this server enforces.
                items.add(new OptionReply.Info(q.code(), blockSize(g)));
                items.add(new OptionReply.Ack(q.code()));
                for (OptionReply r : items) {
                    reply(r);
                }
                if (q instanceof ClientOption.Go) {
                    select(e);
                    return e;
                }
            }
            case ClientOption.Unknown u -> replyError(u.code(), OptionReplyType.ERR_UNSUP,
                    "option " + Integer.toUnsignedString(u.code()) + " is not supported by this server");
            default -> replyError(option.code(), OptionReplyType.ERR_UNSUP, "option not supported here");
        }
        return null;
    }

    private void startTls(ClientOption.StartTls o) throws IOException {
        if (server.tlsContext == null) {
            replyError(o.code(), OptionReplyType.ERR_UNSUP, "TLS is not configured on this server");
            return;
        }
        if (tls) {
            replyError(o.code(), OptionReplyType.ERR_INVALID, "TLS is already active");
            return;
        }
        reply(new OptionReply.Ack(o.code()));
        // The client MUST NOT send anything before our ack, so nothing should be buffered; if it
        // did, those bytes are the start of its TLS handshake.
        InputStream consumed = null;
        if (in.hasRemaining()) {
            byte[] rest = new byte[in.remaining()];
            in.get(rest);
            consumed = new ByteArrayInputStream(rest);
        }
        SSLSocket s = (SSLSocket) server.tlsContext.getSocketFactory().createSocket(channel.socket(), consumed, true);
        s.setUseClientMode(false);
        s.startHandshake();
        io = Conduit.Tls.over(s);
        tls = true;
        // Nothing negotiated in clear text survives the upgrade (proto.md "TLS support").
        structured = false;
    }

    private void select(NbdExport e) {
        Geometry g = e.device().geometry();
        export = e;
        size = g.sizeBytes();
        minBlock = minBlockSize(g);
        maxRead = server.limits.maxPayload();
        transmission = true;
    }

    /**
     * {@code NBD_FLAG_CAN_MULTI_CONN} is set because every connection to an export submits to the
     * same {@link io.mpath4j.core.BlockDevice} and the server keeps no per-connection cache: a
     * write is replied to only after the device completed it, and a flush on any connection is a
     * device flush, which covers every write the device completed whichever connection sent it.
     */
    private static int transmissionFlags(NbdExport e) {
        int f = TransmissionFlag.maskOf(TransmissionFlag.HAS_FLAGS, TransmissionFlag.SEND_FLUSH, TransmissionFlag.SEND_FUA,
                TransmissionFlag.SEND_TRIM, TransmissionFlag.SEND_WRITE_ZEROES, TransmissionFlag.CAN_MULTI_CONN);
        return e.readOnly() ? f | TransmissionFlag.READ_ONLY.mask() : f;
    }

    private static int minBlockSize(Geometry g) {
        return Math.min(g.logicalBlockSize(), 65536);
    }

    private InfoItem.BlockSize blockSize(Geometry g) {
        int min = minBlockSize(g);
        long preferred = Math.max(4096, Integer.highestOneBit(g.physicalBlockSize()));
        long max = Math.max(min, server.limits.maxPayload() / min * min);
        return new InfoItem.BlockSize(min, Math.max(preferred, min), max);
    }

    private void reply(OptionReply r) throws IOException {
        write(NbdEncoder.encode(r));
    }

    private void replyError(int option, OptionReplyType type, String message) throws IOException {
        reply(new OptionReply.ErrorReply(option, type, message(message)));
    }

    private void write(ByteBuffer b) throws IOException {
        io.write(new ByteBuffer[] {b}, 1);
    }

    // ------------------------------------------------------------------ transmission

    /** Serves requests; returns true after {@code NBD_CMD_DISC}. */
    private boolean transmit(NbdExport e) throws IOException, NbdProtocolException {
        writer = Thread.ofVirtual().name("nbd-writer " + peer).start(this::writeLoop);
        LOG.log(Level.DEBUG, () -> this + ": transmission" + (tls ? " over TLS" : "") + (structured ? ", structured replies" : ""));
        return serve(Request.HEADER_LENGTH + server.limits.maxPayload());
    }

    /** The request loop of {@link #transmit}; returns true after {@code NBD_CMD_DISC}. */
    private boolean serve(int maxFrame) throws IOException, NbdProtocolException {
        while (true) {
            Request r = decoder.decodeRequest(in);
            if (r == null) {
                // Everything received is handled: write what completed meanwhile, then wait.
                flushHeld();
                if (shouldMoveToPlatformThread()) {
                    return serveOnPlatformThread(maxFrame);
                }
                fill(maxFrame);
                continue;
            }
            if (r.type() == CommandType.DISC.code()) {
                flushHeld();
                return true;
            }
            requestsServed++;
            handle(r);
        }
    }

    /**
     * Decided once, after {@link #PLACEMENT_SAMPLE} requests: true if the reader is a virtual
     * thread and the device completed at least 90 % of them inline, on the reader. Such a reader
     * does all the work of the connection alone (receive, device, reply), and waits for input
     * after every burst; a virtual thread's wait costs a poller round trip (EAGAIN, epoll
     * registration, the poller thread's wake-up, then a carrier's) where a platform thread simply
     * blocks in {@code read}. Measured with a memory disk: about half the CPU per 4 KiB I/O. A
     * reader whose requests complete on other threads ({@code NbdPath}s) stays virtual: hand-offs
     * between virtual threads are the cheaper ones there (measured: platform threads cost more).
     */
    private boolean shouldMoveToPlatformThread() {
        if (placementDecided || requestsServed < PLACEMENT_SAMPLE) {
            return false;
        }
        placementDecided = true;
        return Thread.currentThread().isVirtual() && inlineCompletions >= requestsServed - requestsServed / 10;
    }

    /**
     * Continues {@link #serve} on a new platform thread, which becomes this connection's reader;
     * this (virtual) thread waits for it and returns or throws what it does, so the life cycle in
     * {@link #run} stays on one thread. Nothing of the reader's state is in flight at this point.
     */
    private boolean serveOnPlatformThread(int maxFrame) throws IOException, NbdProtocolException {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("nbd-conn " + peer).unstarted(() -> {
            try {
                result.complete(serve(maxFrame));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        LOG.log(Level.DEBUG, () -> this + ": the device completes inline; reading on a platform thread");
        readerThread = t;
        t.start();
        try {
            return result.join();
        } catch (java.util.concurrent.CompletionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case NbdProtocolException pe -> throw pe;
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw e;
            }
        }
    }

    private void handle(Request r) throws IOException {
        CommandType type = r.command().orElse(null);
        long cost = type == CommandType.READ ? (r.length() <= maxRead ? r.length() : 0) : r.dataLength();
        admit(cost);
        // From here the request holds `cost` and one request slot until its reply is written.
        if (type == null) {
            fail(r, cost, NbdError.EINVAL, "unknown command " + r.type());
            return;
        }
        int allowed = CommandFlag.FUA.mask() | switch (type) {
            case READ -> CommandFlag.DF.mask();
            case WRITE_ZEROES -> CommandFlag.NO_HOLE.mask();
            default -> 0;
        };
        if ((r.flags() & ~allowed) != 0) {
            fail(r, cost, NbdError.EINVAL, "command flags " + Integer.toHexString(r.flags()) + " not valid for " + type);
            return;
        }
        boolean fua = r.has(CommandFlag.FUA);
        switch (type) {
            case READ -> {
                if (!inRange(r)) {
                    fail(r, cost, NbdError.EINVAL, "read beyond the end of the export (" + size + " bytes)");
                } else if (r.length() > maxRead) {
                    fail(r, cost, NbdError.EINVAL, "read of " + r.length() + " bytes is over the maximum block size " + maxRead);
                } else if (misaligned(r)) {
                    fail(r, cost, NbdError.EINVAL, "read not aligned to the minimum block size " + minBlock);
                } else if (r.length() == 0) {
                    succeed(r, cost, null);
                } else {
                    ByteBuffer buf = server.readBuffers.take((int) r.length());
                    submit(r, cost, new IoRequest.Read(r.offset(), buf), buf, false);
                }
            }
            case WRITE -> {
                if (writable(r, cost, false)) {
                    if (r.length() == 0) {
                        succeed(r, cost, null);
                    } else {
                        submit(r, cost, new IoRequest.Write(r.offset(), r.dataView(), fua), null, false);
                    }
                }
            }
            case FLUSH -> submit(r, cost, IoRequest.Flush.INSTANCE, null, false);
            case TRIM -> {
                if (writable(r, cost, true)) {
                    if (r.length() == 0) {
                        succeed(r, cost, null);
                    } else {
                        submit(r, cost, new IoRequest.Discard(r.offset(), r.length()), null, fua);
                    }
                }
            }
            case WRITE_ZEROES -> {
                if (writable(r, cost, false)) {
                    if (r.length() == 0) {
                        succeed(r, cost, null);
                    } else {
                        boolean mayUnmap = !r.has(CommandFlag.NO_HOLE);
                        submit(r, cost, new IoRequest.WriteZeroes(r.offset(), r.length(), mayUnmap), null, fua);
                    }
                }
            }
            default -> fail(r, cost, NbdError.EINVAL, type + " is not supported by this server");
        }
    }

    /** Checks of the commands that modify the medium; sends the error reply and returns false on failure. */
    private boolean writable(Request r, long cost, boolean trim) {
        if (export.readOnly()) {
            fail(r, cost, NbdError.EPERM, "export '" + export.name() + "' is read-only");
            return false;
        }
        if (!inRange(r)) {
            fail(r, cost, trim ? NbdError.EINVAL : NbdError.ENOSPC, "request beyond the end of the export (" + size + " bytes)");
            return false;
        }
        if (misaligned(r)) {
            fail(r, cost, NbdError.EINVAL, "request not aligned to the minimum block size " + minBlock);
            return false;
        }
        return true;
    }

    private boolean inRange(Request r) {
        // offset and length are unsigned on the wire; offset + length must not pass the size
        return Long.compareUnsigned(r.offset(), size) <= 0 && Long.compareUnsigned(r.length(), size - r.offset()) <= 0;
    }

    private boolean misaligned(Request r) {
        return (r.offset() | r.length()) % minBlock != 0;
    }

    private void submit(Request r, long cost, IoRequest request, ByteBuffer readBuffer, boolean flushAfter) {
        deviceStarted();
        CompletableFuture<IoStatus> f;
        try {
            f = export.device().submit(request);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((status, error) -> {
            try {
                IoStatus s = status;
                if (error != null || s == null) {
                    LOG.log(Level.WARNING, this + ": device failed " + request + " (" + error + ")", error);
                    s = new IoStatus.TargetError(IoStatus.TargetError.Kind.OTHER, "device failed: " + error);
                }
                if (s.isOk() && flushAfter) {
                    // FUA on trim / write-zeroes: make the change durable before the reply.
                    submit(r, cost, IoRequest.Flush.INSTANCE, null, false);
                } else if (s instanceof IoStatus.Failure failure) {
                    fail(r, cost, NbdErrors.of(failure), failure.describe());
                } else {
                    succeed(r, cost, readBuffer);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, this + ": completing " + r + " failed", e);
                abort("internal error");
                release(cost, 1);
            } finally {
                deviceEnded();
            }
        });
    }

    /**
     * Queues the success reply; {@code readData} is the read's buffer, which the device filled
     * from position 0 to its limit without moving the position ({@link IoRequest} contract).
     */
    private void succeed(Request r, long cost, ByteBuffer readData) {
        boolean read = r.type() == CommandType.READ.code();
        boolean withData = read && readData != null && readData.hasRemaining();
        if (read && structured) {
            if (!withData) {
                send(new Outgoing(new ByteBuffer[] {NbdEncoder.encode(new ReplyChunk.None(r.handle()))}, cost));
            } else {
                // NBD_REPLY_TYPE_OFFSET_DATA with NBD_REPLY_FLAG_DONE, written here rather than
                // through ReplyChunk.OffsetData so that the data is not copied.
                ByteBuffer header = ByteBuffer.allocate(ReplyChunk.HEADER_LENGTH + 8);
                header.putInt(NbdMagic.STRUCTURED_REPLY_MAGIC).putShort((short) ReplyChunk.DONE)
                        .putShort((short) ReplyType.OFFSET_DATA.code()).putLong(r.handle())
                        .putInt(8 + readData.remaining()).putLong(r.offset()).flip();
                send(new Outgoing(new ByteBuffer[] {header, readData}, cost, readData));
            }
            return;
        }
        // A simple reply's header is the same with or without read data after it.
        ByteBuffer header = NbdEncoder.encode(SimpleReply.ok(r.handle()));
        send(withData ? new Outgoing(new ByteBuffer[] {header, readData}, cost, readData)
                : new Outgoing(new ByteBuffer[] {header}, cost, readData));
    }

    private void fail(Request r, long cost, NbdError error, String message) {
        LOG.log(Level.DEBUG, () -> this + ": " + r.command().map(Enum::name).orElse("command " + r.type())
                + " at " + Long.toUnsignedString(r.offset()) + "+" + r.length() + " -> " + error + ": " + message);
        ByteBuffer b = r.type() == CommandType.READ.code() && structured
                ? NbdEncoder.encode(new ReplyChunk.ErrorChunk(ReplyChunk.DONE, r.handle(), error.code(), message(message)))
                : NbdEncoder.encode(SimpleReply.error(r.handle(), error));
        send(new Outgoing(new ByteBuffer[] {b}, cost));
    }

    /** A message fit for the wire: no NUL, well under the 4096-byte limit. */
    private static String message(String m) {
        String s = m.replace('\0', ' ');
        return s.length() > 512 ? s.substring(0, 512) : s;
    }

    // ------------------------------------------------------------------ output

    private void send(Outgoing o) {
        boolean onReader = Thread.currentThread() == readerThread;
        if (onReader) {
            inlineCompletions++;
        }
        if (onReader && heldBytes + bytes(o) <= MAX_HELD_BYTES) {
            // Completed inline, while the reader handles what it received: it writes this reply
            // itself with the others of the same burst (one syscall, no hand-off to the writer).
            // Large replies still go to the writer, which then sends one while the reader copies
            // the next (the two overlap on two CPUs).
            held.add(o);
            heldBytes += bytes(o);
            return;
        }
        // Nothing is queued after POISON: POISON goes in once the reader has stopped and the device
        // has completed everything, and only those two produce replies.
        replies.add(o);
    }

    /**
     * Writes the held replies (reader thread). A client that does not read them blocks only its
     * own reader here, which is the flow control a stalled client gets anyway; the reply timeout
     * still applies (the write counts as stalled like the writer thread's).
     */
    private void flushHeld() throws IOException {
        int count = held.size();
        if (count == 0) {
            return;
        }
        int n = 0;
        for (Outgoing o : held) {
            n += o.buffers().length;
        }
        if (heldBufs.length < n) {
            heldBufs = new ByteBuffer[n];
        }
        int k = 0;
        long cost = 0;
        for (Outgoing o : held) {
            for (ByteBuffer b : o.buffers()) {
                heldBufs[k++] = b;
            }
            cost += o.cost();
        }
        try {
            writeReplies(heldBufs, k);
        } finally {
            java.util.Arrays.fill(heldBufs, 0, k, null);
            for (Outgoing o : held) {
                if (o.pooled() != null) {
                    server.readBuffers.give(o.pooled());
                }
            }
            held.clear();
            heldBytes = 0;
            release(cost, count);
        }
    }

    /** One gathering write of replies, under the write lock, watched by {@link #checkStalled}. */
    private void writeReplies(ByteBuffer[] bufs, int count) throws IOException {
        writeLock.lock();
        try {
            writeStartedNanos = System.nanoTime();
            io.write(bufs, count);
        } finally {
            writeStartedNanos = 0;
            writeLock.unlock();
        }
    }

    private void writeLoop() {
        ByteBuffer[] bufs = new ByteBuffer[MAX_BATCH * 2];
        boolean broken = false;
        boolean done = false;
        List<Outgoing> batch = new ArrayList<>(MAX_BATCH);
        while (!done) {
            Outgoing first;
            try {
                first = replies.take();
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread; POISON ends it
            }
            if (first == POISON) {
                break;
            }
            batch.clear();
            batch.add(first);
            long bytes = bytes(first);
            int n = first.buffers().length;
            while (batch.size() < MAX_BATCH && bytes < MAX_BATCH_BYTES) {
                Outgoing o = replies.poll();
                if (o == null) {
                    break;
                }
                if (o == POISON) {
                    done = true;
                    break;
                }
                batch.add(o);
                bytes += bytes(o);
                n += o.buffers().length;
            }
            if (!broken) {
                if (bufs.length < n) {
                    bufs = new ByteBuffer[n];
                }
                int k = 0;
                for (Outgoing o : batch) {
                    for (ByteBuffer b : o.buffers()) {
                        bufs[k++] = b;
                    }
                }
                try {
                    writeReplies(bufs, k);
                } catch (IOException | RuntimeException e) {
                    broken = true;
                    if (!closing) {
                        LOG.log(Level.DEBUG, () -> this + ": writing replies failed: " + e);
                    }
                    abort("writing replies failed");
                } finally {
                    java.util.Arrays.fill(bufs, 0, k, null);
                }
            }
            long cost = 0;
            for (Outgoing o : batch) {
                cost += o.cost();
                if (o.pooled() != null) {
                    server.readBuffers.give(o.pooled()); // written (or dropped): nobody uses it now
                }
            }
            release(cost, batch.size());
        }
    }

    private static long bytes(Outgoing o) {
        long n = 0;
        for (ByteBuffer b : o.buffers()) {
            n += b.remaining();
        }
        return n;
    }

    // ------------------------------------------------------------------ accounting

    private void admit(long cost) throws IOException {
        if (!held.isEmpty() && !admissible(cost)) {
            flushHeld(); // the held replies give back what admission waits for
        }
        lock.lock();
        try {
            while (!closing && requestsInFlight > 0
                    && (bytesInFlight + cost > server.maxBytesInFlight || requestsInFlight >= server.maxRequestsInFlight)) {
                changed.awaitUninterruptibly();
            }
            if (closing) {
                throw new IOException("connection closing");
            }
            bytesInFlight += cost;
            requestsInFlight++;
        } finally {
            lock.unlock();
        }
    }

    private boolean admissible(long cost) {
        lock.lock();
        try {
            return requestsInFlight == 0
                    || (bytesInFlight + cost <= server.maxBytesInFlight && requestsInFlight < server.maxRequestsInFlight);
        } finally {
            lock.unlock();
        }
    }

    private void release(long cost, int requests) {
        lock.lock();
        try {
            bytesInFlight -= cost;
            requestsInFlight -= requests;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void deviceStarted() {
        lock.lock();
        try {
            deviceInFlight++;
        } finally {
            lock.unlock();
        }
    }

    private void deviceEnded() {
        lock.lock();
        try {
            if (--deviceInFlight == 0) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
