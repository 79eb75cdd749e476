package io.mpath4j.iscsi.session;

import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.iscsi.login.SessionParameters;
import io.mpath4j.iscsi.login.TargetPortal;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Digests;
import io.mpath4j.iscsi.pdu.IscsiDecoder;
import io.mpath4j.iscsi.pdu.IscsiEncoder;
import io.mpath4j.iscsi.pdu.IscsiProtocolException;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.iscsi.pdu.SerialNumber;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One iSCSI session with one connection (MaxConnections=1, ErrorRecoveryLevel 0), from login to
 * logout (RFC 7143).
 *
 * <p><b>Threads.</b> {@link #execute} never waits for the window or for another thread: it
 * registers the task under a fresh Initiator Task Tag ({@link TaskTable}: slot and generation).
 * If no thread is writing to the socket, the CmdSN window is open ({@code CmdSN <= MaxCmdSN},
 * §4.2.2.1), fewer than {@code maxInFlight} commands are outstanding, nothing is queued and the
 * command PDU is small, the submitting thread writes it itself; otherwise the command waits in
 * FIFO order for the writer virtual thread, which takes the socket when it is free and sends in
 * one gathering write first the control PDUs (Data-Out answering an R2T, NOP-Out, Logout, TMF),
 * then up to 64 sendable commands. Data-Out never waits for the window (it carries no CmdSN), so
 * a closed window cannot block the R2Ts that would open it. CmdSN is assigned by whichever thread
 * holds the socket, so wire order is CmdSN order. One reader thread (a platform thread unless
 * {@code IscsiOptions.platformReader} is false) decodes target PDUs, updates ExpCmdSN/MaxCmdSN
 * from every one of them (only forwards, and not when MaxCmdSN &lt; ExpCmdSN - 1, §4.2.2.1),
 * copies Data-In into the caller's buffer at the PDU's buffer offset, and completes tasks. The
 * process-wide {@link SessionTimer} checks command deadlines and keeps the NOP-Out ping going.
 *
 * <p><b>Writes.</b> With ImmediateData=Yes the SCSI Command carries up to min(FirstBurstLength,
 * the target's MaxRecvDataSegmentLength) bytes; with InitialR2T=No the rest of the first burst
 * follows at once as unsolicited Data-Out (TTT 0xffffffff); everything else is sent in answer to
 * R2Ts, each burst split into Data-Out PDUs no larger than the target's MaxRecvDataSegmentLength,
 * DataSN counting from 0 per sequence and F on its last PDU (§11.7). Data goes from the caller's
 * buffer straight to the socket (a gathering write of header and slice; no copy) unless digests
 * are in use.
 *
 * <p><b>Reads.</b> Data-In carries its buffer offset. The socket is read into a direct receive
 * buffer; for a Data-In only the header is decoded and the data segment is copied from there
 * straight into the caller's buffer at that offset (one copy in user space, no {@code Bytes}).
 * With data digests negotiated, Data-In goes through the full decode instead (digest checked, the
 * segment copied once more). Status arrives in the last Data-In (S bit) or in a SCSI Response; residual
 * underflow/overflow is reported in {@link ScsiResult.Completed}.
 *
 * <p><b>Keepalive.</b> When nothing was received for {@code nopInterval}, a NOP-Out ping (ITT
 * valid, immediate) goes out; no answer within {@code nopTimeout} tears the connection down. A
 * target's NOP-In with a valid TTT is answered with a NOP-Out echoing TTT and data (§11.18).
 *
 * <p><b>Command timeout.</b> A command without its final response {@code commandTimeout} after it
 * was sent is aborted first (ABORT TASK, the first fencing step): if the target answers "function
 * complete" or "task does not exist", that command alone fails with {@code mayStillExecute} false
 * and the session goes on; another answer, or none within min({@code commandTimeout}, {@code
 * nopTimeout}), tears the connection down as below.
 *
 * <p><b>Failures.</b> A command whose ABORT TASK failed, a missing ping answer, EOF, a socket error, a protocol violation, a Reject, or an
 * asynchronous "dropping the connection/session" tears the connection down: the socket is reset
 * and closed, then every task completes with {@link ScsiResult.Failed} ({@code mayStillExecute}
 * true once it was sent). Under ERL 0 nothing else recovers a task; the owner reconnects and, to
 * make sure old tasks cannot still execute, reinstates the session (login with the same ISID and
 * TSIH 0, §6.3.5).
 *
 * <p><b>Task management</b> (§11.5). {@link #abortTask} sends ABORT TASK (Referenced Task Tag and
 * RefCmdSN of the task) and {@link #logicalUnitReset} LOGICAL UNIT RESET, both as immediate control
 * PDUs (they never wait for the CmdSN window), and complete with the target's {@link TmfResponse}.
 * The affected commands stay outstanding until that response arrives (R2Ts received meanwhile are
 * still answered); once it says the task is gone ("function complete", or "task does not exist"
 * for ABORT TASK) they complete with {@link ScsiResult.Failed} and {@code mayStillExecute} false:
 * after that response the target sends nothing more for them and they have no further effect
 * (§4.2.3.3, §11.6). PDUs that still arrive for such a task are ignored. A TMF without an answer
 * within {@code commandTimeout} tears the connection down.
 */
public final class IscsiSession {

    private static final System.Logger LOG = System.getLogger(IscsiSession.class.getName());

    /** Receives asynchronous messages other than connection/session drops (which tear down). */
    public interface AsyncListener {
        void onAsyncMessage(IscsiSession session, Pdu.AsyncMessage message);
    }

    private static final int MAX_REDIRECTS = 3;

    private final IscsiUri uri;
    private final IscsiOptions options;
    private final SocketChannel channel;
    private final SessionParameters params;
    private final long isid;
    private final int tsih;
    private final Digests digests;
    private final Consumer<IscsiSession> onTornDown;
    private final AsyncListener asyncListener;
    private final ByteBuffer leftover;
    private final String peer;

    // state shared by the writer, reader and submitters; guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Task> commandQueue = new ArrayDeque<>();
    private final ArrayDeque<Control> controlQueue = new ArrayDeque<>();
    private int cmdSN;
    private int expCmdSN;
    private int maxCmdSN;
    private int active; // commands taken off the queue and not completed
    private volatile int expStatSN;

    private final TaskTable<Task> tasks = new TaskTable<>(); // mutated under lock
    private boolean writing; // a thread is writing to the socket (the writer or a submitter); guarded by lock
    private final Map<Integer, PendingTmf> tmfs = new ConcurrentHashMap<>();
    /** ITTs of tasks a TMF ended; late PDUs for them are ignored rather than taken as protocol errors. */
    private final Set<Integer> gone = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
                    return size() > 1024;
                }
            }));
    private final AtomicBoolean tearing = new AtomicBoolean();
    private final CompletableFuture<Void> logoutAnswered = new CompletableFuture<>();
    private final long commandTimeoutNanos;
    private final long abortTimeoutNanos; // for the ABORT TASK of a timed-out command: min(command, NOP timeout)
    private volatile boolean torn;
    private volatile boolean draining;
    private volatile String closeReason = "";
    private volatile long closedAtNanos;
    private volatile long lastReceiveNanos = System.nanoTime();
    /** Data-In PDUs whose data went from the receive buffer straight to the task (reader only writes). */
    private volatile long dataInsPlacedDirectly;
    private volatile int pingItt = Pdu.RESERVED_TAG; // our outstanding NOP-Out ping
    private volatile long pingSentNanos;
    private volatile boolean gracefulClose;
    private Thread reader;
    private Thread writer;
    private ScheduledFuture<?> ticker;

    private IscsiSession(IscsiUri uri, IscsiOptions options, SocketChannel channel, Login.Result login, long isid,
            ByteBuffer leftover, Consumer<IscsiSession> onTornDown, AsyncListener asyncListener) {
        this.uri = uri;
        this.options = options;
        this.channel = channel;
        this.params = login.parameters();
        this.isid = isid;
        this.tsih = login.tsih();
        this.digests = params.digests();
        this.leftover = leftover;
        this.onTornDown = onTornDown;
        this.asyncListener = asyncListener;
        this.cmdSN = login.cmdSN();
        this.expCmdSN = login.expCmdSN();
        this.maxCmdSN = login.maxCmdSN();
        this.expStatSN = login.expStatSN();
        this.commandTimeoutNanos = options.commandTimeout().toNanos();
        this.abortTimeoutNanos = Math.min(commandTimeoutNanos, options.nopTimeout().toNanos());
        this.peer = uri.authority();
    }

    /** A fresh ISID of type "random" (RFC 7143 §11.12.5: T=10b, 24 random bits, 16-bit qualifier). */
    public static long randomIsid(RandomGenerator random) {
        return 0x80L << 40 | (random.nextLong() & 0x3f_ffff_ffffL);
    }

    /**
     * Connects to {@code uri}'s portal and logs in to its target (a normal session) within the
     * connect and login timeouts, following up to 3 login redirections; then starts the full
     * feature phase.
     *
     * @param isid the session's ISID; reusing the ISID of an existing session with TSIH 0 reinstates
     *     that session: the target ends the old one and its tasks (§6.3.5)
     * @param onTornDown called once when the connection is torn down, after the socket is closed and
     *     before the outstanding tasks fail
     * @throws LoginException the target refused the login (the message says why in words)
     * @throws IOException the portal cannot be reached or broke the protocol
     */
    public static IscsiSession open(IscsiUri uri, IscsiOptions options, long isid,
            Consumer<IscsiSession> onTornDown, AsyncListener asyncListener) throws IOException {
        if (uri.isDiscovery()) {
            throw new IllegalArgumentException(uri + " names no target");
        }
        IscsiUri at = uri;
        for (int redirects = 0; ; redirects++) {
            try {
                return open0(at, options, isid, onTornDown, asyncListener);
            } catch (Login.RedirectException e) {
                if (redirects >= MAX_REDIRECTS) {
                    throw new LoginException(e.getMessage() + " (more than " + MAX_REDIRECTS + " redirections)",
                            e.statusClass(), e.statusDetail());
                }
                TargetPortal p = e.portal();
                LOG.log(System.Logger.Level.INFO, "{0}", e.getMessage());
                at = at.withPortal(p.host(), p.port());
            }
        }
    }

    private static IscsiSession open0(IscsiUri uri, IscsiOptions options, long isid,
            Consumer<IscsiSession> onTornDown, AsyncListener asyncListener) throws IOException {
        long deadline = System.nanoTime() + options.loginTimeout().toNanos();
        SocketChannel ch = connect(uri, options);
        try {
            PduStream stream = new PduStream(ch, uri.authority());
            Login.Result r = login(stream, uri, options, uri.target(), isid, deadline);
            IscsiSession s = new IscsiSession(uri, options, ch, r, isid, stream.takeLeftover(), onTornDown,
                    asyncListener);
            s.start();
            return s;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    static SocketChannel connect(IscsiUri uri, IscsiOptions options) throws IOException {
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
            } catch (IOException e) {
                throw new IOException("cannot connect to " + uri.authority() + ": " + e.getMessage(), e);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    static Login.Result login(PduStream stream, IscsiUri uri, IscsiOptions options, String targetName, long isid,
            long deadline) throws IOException {
        ChapCredentials chap = uri.hasCredentials()
                ? new ChapCredentials(uri.user(), uri.password().getBytes(StandardCharsets.UTF_8)) : null;
        ChapCredentials targetChap = chap == null ? null : options.targetChap();
        RandomGenerator random = new SecureRandom();
        Login.Request req = new Login.Request(options.initiatorName(), targetName, isid, 0, random.nextInt(),
                chap, targetChap, random, uri.headerDigest().orElse(options.headerDigest()),
                uri.dataDigest().orElse(options.dataDigest()));
        try {
            return new Login(stream, req, deadline, uri.authority()).run();
        } catch (SocketTimeoutException e) {
            throw new LoginException("login to " + uri.name() + " timed out after "
                    + options.loginTimeout().toMillis() + " ms (" + e.getMessage() + ")", e);
        } catch (EOFException e) {
            throw new LoginException("login to " + uri.name() + " failed: " + e.getMessage(), e);
        }
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    private void start() {
        String name = uri.name();
        // the reader wakes for every burst of responses: a platform thread blocks in read() itself,
        // a virtual one goes through the JDK poller and the carrier pool each time (2x the CPU);
        // the writer only runs when a submitter could not write directly, so it stays virtual
        Thread.Builder readers = options.platformReader() ? Thread.ofPlatform().daemon() : Thread.ofVirtual();
        reader = readers.name("iscsi-reader " + name).start(this::readLoop);
        writer = Thread.ofVirtual().name("iscsi-writer " + name).start(this::writeLoop);
        long tick = Math.clamp(Math.min(commandTimeoutNanos, Math.min(options.nopInterval().toNanos(),
                options.nopTimeout().toNanos())) / 40, TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(25));
        ticker = SessionTimer.every(tick, this::tick);
    }

    // ------------------------------------------------------------------ accessors

    public IscsiUri uri() {
        return uri;
    }

    public SessionParameters parameters() {
        return params;
    }

    public long isid() {
        return isid;
    }

    public int tsih() {
        return tsih;
    }

    public boolean isUsable() {
        return !torn && !draining;
    }

    public boolean isTornDown() {
        return torn;
    }

    public String closeReason() {
        return closeReason;
    }

    public long closedAtNanos() {
        return closedAtNanos;
    }

    public int outstanding() {
        return tasks.size();
    }

    // ------------------------------------------------------------------ tasks

    /** One command in flight. Fields below {@code lock} are guarded by the task's monitor. */
    private static final class Task implements TaskTable.Tagged {
        final int itt;
        final ScsiCommand cmd;
        final Consumer<ScsiResult> completion;
        final int length;
        volatile boolean sent;
        volatile long sentNanos;
        boolean taken; // off the command queue (counted in active); guarded by the session lock
        int cmdSN; // set when taken; guarded by the session lock
        volatile String timedOut; // why ABORT TASK was sent for it on its command timeout, or null
        // guarded by this:
        boolean done;
        int writing;
        ScsiResult pending;
        int received;

        Task(int itt, ScsiCommand cmd, Consumer<ScsiResult> completion) {
            this.itt = itt;
            this.cmd = cmd;
            this.completion = completion;
            this.length = cmd.expectedLength();
        }

        @Override
        public int itt() {
            return itt;
        }

        boolean isWrite() {
            return cmd.dataOut() != null;
        }

        String describe() {
            return String.format("command %02Xh (ITT %08x)", cmd.cdb()[0] & 0xff, itt);
        }
    }

    /** A unit of work for the writer that is not a new command. */
    private sealed interface Control {
        record DataOut(Task task, int ttt, int offset, int length) implements Control {}

        record Ping(int itt) implements Control {}

        record PingAnswer(int ttt, long lun, Bytes data) implements Control {}

        record Logout(int itt) implements Control {}

        record Tmf(PendingTmf tmf) implements Control {}
    }

    /** A task management request waiting for its response. */
    private static final class PendingTmf {
        final int itt;
        final int function;
        final long lun;
        final Task referenced; // ABORT TASK only
        final CompletableFuture<TmfResponse> result = new CompletableFuture<>();
        volatile long sentNanos;
        volatile boolean sent;
        volatile List<Task> affected = List.of(); // set by the writer when it sends the request

        PendingTmf(int itt, int function, long lun, Task referenced) {
            this.itt = itt;
            this.function = function;
            this.lun = lun;
            this.referenced = referenced;
        }

        String describe() {
            return function == Pdu.TaskFunction.ABORT_TASK ? "ABORT TASK for " + referenced.describe()
                    : String.format("LOGICAL UNIT RESET of LUN %016x", lun);
        }
    }

    /**
     * Sends {@code cmd}; never blocks; {@code completion} runs exactly once, on any thread, and only
     * once the session no longer touches the command's buffers.
     *
     * @return the command's Initiator Task Tag (for {@link #abortTask}), or {@link Pdu#RESERVED_TAG}
     *     when the session is not usable (the command has then failed already)
     */
    public int execute(ScsiCommand cmd, Consumer<ScsiResult> completion) {
        if (!isUsable()) {
            completion.accept(new ScsiResult.Failed(notUsable(), false));
            return Pdu.RESERVED_TAG;
        }
        Task t = null;
        int sn = 0;
        boolean direct = false;
        lock.lock();
        try {
            if (!torn) {
                t = tasks.add(itt -> new Task(itt, cmd, completion));
                if (t == null) {
                    // no ITT left: 65535 commands outstanding
                } else if (!writing && controlQueue.isEmpty() && commandQueue.isEmpty() && sendable()
                        && writesDirectly(t)) {
                    writing = true;
                    sn = take(t);
                    direct = true;
                } else {
                    commandQueue.add(t);
                    wakeWriter();
                }
            }
        } finally {
            lock.unlock();
        }
        if (t == null) {
            completion.accept(new ScsiResult.Failed(torn ? notUsable()
                    : TaskTable.CONTROL_SLOT + " commands outstanding on " + uri.name(), false));
            return Pdu.RESERVED_TAG;
        }
        int itt = t.itt;
        if (direct) {
            writeDirectly(t, sn);
        }
        return itt;
    }

    /**
     * Whether the submitting thread may write {@code t}'s command PDU itself: it must carry no
     * Data-Out after it and at most {@value #DIRECT_MAX_BYTES} bytes of immediate data (a short
     * write into the socket buffer, so the submitter does not wait on the target), and the thread
     * must not have an interrupt pending (an interrupted blocking write would close the socket).
     */
    private boolean writesDirectly(Task t) {
        if (Thread.currentThread().isInterrupted()) {
            return false;
        }
        if (!t.isWrite()) {
            return true;
        }
        int immediate = immediateLength(t);
        return unsolicitedLength(t) == immediate && immediate <= DIRECT_MAX_BYTES;
    }

    /** The command may be sent now: the CmdSN window is open and fewer than maxInFlight are out. Under lock. */
    private boolean sendable() {
        return active < options.maxInFlight() && SerialNumber.lessOrEqual(cmdSN, maxCmdSN);
    }

    /** Something for the writer: control PDUs, or a queued command that may be sent. Under lock. */
    private boolean hasWork() {
        return !controlQueue.isEmpty() || (!commandQueue.isEmpty() && sendable());
    }

    /**
     * Wakes the writer thread only when it has something to do: a response that opens the window
     * or ends a command must not cost a wake-up while the queue is empty (the common case once
     * submitters write directly). Under lock.
     */
    private void wakeWriter() {
        if (!writing && hasWork()) {
            work.signal();
        }
    }

    /** Takes {@code t} for sending: counts it active and gives it the next CmdSN. Under lock. */
    private int take(Task t) {
        t.taken = true;
        active++;
        int sn = cmdSN;
        t.cmdSN = sn;
        cmdSN = SerialNumber.add(cmdSN, 1);
        return sn;
    }

    /** The submitting thread writes its own command PDU (no hand-off to the writer thread). */
    private void writeDirectly(Task t, int sn) {
        Batch b = batch; // ours while we hold the socket (writing)
        try {
            addCommand(t, sn, b);
            b.flush();
        } catch (IOException e) {
            teardown("send to " + peer + " failed: " + e, true);
        } catch (RuntimeException e) {
            teardown("send failed: " + e, true);
            throw e;
        } finally {
            b.release();
            lock.lock();
            try {
                writing = false;
                if (hasWork()) {
                    work.signal(); // queued while we wrote
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * ABORT TASK for the command with Initiator Task Tag {@code itt} (§11.5.1). A command still
     * waiting in our queue is taken out and fails at once ({@code mayStillExecute} false; answered
     * "function complete" without asking the target); an ITT that names no outstanding command is
     * answered "task does not exist" without asking. Otherwise the request goes out at once (immediate,
     * RefCmdSN = the command's CmdSN) and the stage completes with the target's answer; on
     * "function complete" or "task does not exist" the command has completed before, with {@link
     * ScsiResult.Failed} and {@code mayStillExecute} false (unless its own response came first). The
     * stage fails with an {@link IOException} if the connection is torn down first.
     */
    public CompletionStage<TmfResponse> abortTask(int itt) {
        Task t = tasks.get(itt);
        if (t == null) {
            return CompletableFuture.completedFuture(TmfResponse.TASK_DOES_NOT_EXIST);
        }
        boolean unsent = false;
        PendingTmf tmf = null;
        lock.lock();
        try {
            if (torn) {
                return CompletableFuture.failedFuture(new IOException(notUsable()));
            }
            if (!t.taken) {
                unsent = commandQueue.remove(t);
            } else {
                tmf = new PendingTmf(tasks.controlItt(), Pdu.TaskFunction.ABORT_TASK, t.cmd.lun(), t);
                tmfs.put(tmf.itt, tmf);
                controlQueue.add(new Control.Tmf(tmf));
                wakeWriter();
            }
        } finally {
            lock.unlock();
        }
        if (tmf != null) {
            return tmf.result;
        }
        if (unsent) {
            finish(t, new ScsiResult.Failed(t.describe() + " aborted before it was sent on " + uri.name(), false));
            return CompletableFuture.completedFuture(TmfResponse.FUNCTION_COMPLETE);
        }
        return CompletableFuture.completedFuture(TmfResponse.TASK_DOES_NOT_EXIST); // completed meanwhile
    }

    /**
     * LOGICAL UNIT RESET of {@code lun} (the 8-byte SAM LUN field as in {@link ScsiCommand#lun}),
     * immediate. On "function complete" every command for that LUN sent before the request has
     * completed with {@link ScsiResult.Failed} and {@code mayStillExecute} false; commands still in
     * our queue are sent afterwards as usual. The stage fails with an {@link IOException} if the
     * connection is torn down first.
     */
    public CompletionStage<TmfResponse> logicalUnitReset(long lun) {
        lock.lock();
        try {
            if (torn) {
                return CompletableFuture.failedFuture(new IOException(notUsable()));
            }
            PendingTmf tmf = new PendingTmf(tasks.controlItt(), Pdu.TaskFunction.LOGICAL_UNIT_RESET, lun, null);
            tmfs.put(tmf.itt, tmf);
            controlQueue.add(new Control.Tmf(tmf));
            wakeWriter();
            return tmf.result;
        } finally {
            lock.unlock();
        }
    }

    private void onTmfResponse(Pdu.TaskManagementResponse m) {
        PendingTmf tmf = tmfs.remove(m.initiatorTaskTag());
        if (tmf == null) {
            LOG.log(System.Logger.Level.WARNING, "{0}: Task Management Function Response for unknown ITT {1}",
                    uri.name(), Integer.toHexString(m.initiatorTaskTag()));
            return;
        }
        TmfResponse r = TmfResponse.of(m.response());
        boolean taskGone = r == TmfResponse.FUNCTION_COMPLETE
                || (r == TmfResponse.TASK_DOES_NOT_EXIST && tmf.function == Pdu.TaskFunction.ABORT_TASK);
        LOG.log(taskGone ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "{0}: {1}: {2}", uri.name(),
                tmf.describe(), r.description());
        if (taskGone) {
            for (Task t : tmf.affected) {
                gone.add(t.itt);
                String why = t.timedOut != null ? t.timedOut + "; ended by ABORT TASK (" + r.description() + ")"
                        : t.describe() + " ended by " + tmf.describe() + " (" + r.description() + ") on " + uri.name();
                finish(t, new ScsiResult.Failed(why, false));
            }
        }
        tmf.result.complete(r);
    }

    /** {@link #execute} as a future. */
    public CompletableFuture<ScsiResult> execute(ScsiCommand cmd) {
        CompletableFuture<ScsiResult> f = new CompletableFuture<>();
        execute(cmd, f::complete);
        return f;
    }

    private String notUsable() {
        return "session to " + uri.name() + " is " + (torn ? "closed: " + closeReason : "closing");
    }

    /** Completes the task once; if the writer is still sending its data, the writer completes it after. */
    private void finish(Task t, ScsiResult r) {
        synchronized (t) {
            if (t.done) {
                return;
            }
            if (t.writing > 0) {
                if (t.pending == null) {
                    t.pending = r;
                }
                return;
            }
            t.done = true;
        }
        deliver(t, r);
    }

    private void deliver(Task t, ScsiResult r) {
        lock.lock();
        try {
            tasks.remove(t);
            if (t.taken) {
                active--;
                wakeWriter();
            }
        } finally {
            lock.unlock();
        }
        try {
            t.completion.accept(r);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "completion of " + t.describe() + " failed", e);
        }
    }

    /** Marks the writer busy with the task's buffer; false if it is already done. */
    private boolean beginWrite(Task t) {
        synchronized (t) {
            if (t.done || t.pending != null) {
                return false;
            }
            t.writing++;
            return true;
        }
    }

    private void endWrite(Task t) {
        ScsiResult r;
        synchronized (t) {
            t.writing--;
            if (t.writing > 0 || t.pending == null || t.done) {
                return;
            }
            t.done = true;
            r = t.pending;
        }
        deliver(t, r);
    }

    // ------------------------------------------------------------------ writer

    /** Most commands the writer takes off the queue for one gathering write. */
    private static final int MAX_BATCH_COMMANDS = 64;
    /** Largest command PDU (header and immediate data) a submitting thread writes itself. */
    private static final int DIRECT_MAX_BYTES = 64 << 10;
    private static final ByteBuffer ZERO_PAD = ByteBuffer.allocate(3).asReadOnlyBuffer();

    /**
     * PDUs collected for one gathering write, and the tasks whose buffers they refer to (released
     * with {@link #endWrite} once the write is over). Used by one thread at a time: the one that
     * set {@code writing}.
     */
    /** The one batch of the session: used by whichever thread holds the socket ({@code writing}). */
    private final Batch batch = new Batch();

    private final class Batch {
        private ByteBuffer[] parts = new ByteBuffer[8];
        private int count;
        private long bytes;
        private final ArrayList<Task> using = new ArrayList<>();

        void add(ByteBuffer b) {
            if (count == parts.length) {
                parts = java.util.Arrays.copyOf(parts, count * 2);
            }
            parts[count++] = b;
            bytes += b.remaining();
        }

        boolean isEmpty() {
            return count == 0;
        }

        /** Writes everything collected; returns once the socket took it all. */
        void flush() throws IOException {
            long written = 0;
            int first = 0;
            while (written < bytes) {
                written += channel.write(parts, first, count - first);
                while (first < count && !parts[first].hasRemaining()) {
                    first++;
                }
            }
        }

        /** Forgets the PDUs and ends the writes of the tasks they belonged to. */
        void release() {
            java.util.Arrays.fill(parts, 0, count, null);
            count = 0;
            bytes = 0;
            for (Task t : using) {
                endWrite(t);
            }
            using.clear();
        }
    }

    /**
     * Waits until the socket is free and there is something to send, then sends all control PDUs
     * and up to {@value #MAX_BATCH_COMMANDS} sendable commands in one gathering write.
     */
    private void writeLoop() {
        List<Control> controls = new ArrayList<>();
        List<Task> commands = new ArrayList<>();
        int[] sns = new int[MAX_BATCH_COMMANDS];
        try {
            while (true) {
                lock.lock();
                try {
                    while (!torn && (writing || !hasWork())) {
                        work.await();
                    }
                    if (torn) {
                        return;
                    }
                    writing = true;
                    boolean tmf = false;
                    for (Control c; (c = controlQueue.poll()) != null; ) {
                        controls.add(c);
                        tmf |= c instanceof Control.Tmf;
                    }
                    // a TMF's affected commands are those taken before it: none taken with it
                    while (!tmf && commands.size() < MAX_BATCH_COMMANDS && !commandQueue.isEmpty() && sendable()) {
                        Task t = commandQueue.poll();
                        sns[commands.size()] = take(t);
                        commands.add(t);
                    }
                } finally {
                    lock.unlock();
                }
                try {
                    for (Control c : controls) {
                        addControl(c, batch);
                    }
                    for (int i = 0; i < commands.size(); i++) {
                        addCommand(commands.get(i), sns[i], batch);
                    }
                    batch.flush();
                } finally {
                    controls.clear();
                    commands.clear();
                    batch.release();
                    lock.lock();
                    try {
                        writing = false;
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (InterruptedException e) {
            // torn down
        } catch (IOException e) {
            teardown("send to " + peer + " failed: " + e, true);
        } catch (RuntimeException e) {
            teardown("writer failed: " + e, true);
            throw e;
        }
    }

    /** Immediate data of {@code t}'s command PDU (§10.3.1 ImmediateData, FirstBurstLength). */
    private int immediateLength(Task t) {
        if (!t.isWrite() || t.length == 0 || !params.immediateData()) {
            return 0;
        }
        return Math.min(Math.min(params.firstBurstLength(), t.length), params.targetMaxRecvDataSegmentLength());
    }

    /** Unsolicited data of {@code t} (immediate plus unsolicited Data-Out; InitialR2T=No, §13.10). */
    private int unsolicitedLength(Task t) {
        if (!t.isWrite() || t.length == 0) {
            return 0;
        }
        return params.initialR2T() ? immediateLength(t) : Math.min(params.firstBurstLength(), t.length);
    }

    /** Adds {@code t}'s command PDU with its immediate data and unsolicited Data-Out to {@code b}. */
    private void addCommand(Task t, int sn, Batch b) {
        ScsiCommand c = t.cmd;
        int length = t.length;
        boolean write = t.isWrite();
        int immediate = immediateLength(t);
        int unsolicited = unsolicitedLength(t);
        if (!beginWrite(t)) {
            return; // failed meanwhile (teardown): nothing to send
        }
        b.using.add(t);
        t.sentNanos = System.nanoTime();
        t.sent = true;
        boolean read = c.dataIn() != null && length > 0;
        if (!digests.header() && !digests.data() && c.cdb().length <= Pdu.ScsiCommand.BHS_CDB_LENGTH) {
            // the common case without a PDU record: header straight from the fields
            b.add(ByteBuffer.wrap(IscsiEncoder.scsiCommandBhs(unsolicited == immediate, read, write && length > 0,
                    Pdu.TaskAttribute.SIMPLE, c.lun(), t.itt, length, sn, expStatSN, c.cdb(), immediate)));
            if (immediate > 0) {
                addData(c.dataOut(), 0, immediate, b);
            }
            if (unsolicited > immediate) {
                addDataOut(t, Pdu.RESERVED_TAG, immediate, unsolicited - immediate, b);
            }
            return;
        }
        Pdu.ScsiCommand pdu = new Pdu.ScsiCommand(false, unsolicited == immediate, read, write && length > 0,
                Pdu.TaskAttribute.SIMPLE, c.lun(), t.itt, length, sn, expStatSN, Bytes.of(c.cdb()),
                OptionalInt.empty(), Bytes.EMPTY);
        if (immediate > 0) {
            addWithData(pdu, c.dataOut(), 0, immediate, b);
        } else {
            b.add(ByteBuffer.wrap(IscsiEncoder.encode(pdu, digests)));
        }
        if (unsolicited > immediate) {
            addDataOut(t, Pdu.RESERVED_TAG, immediate, unsolicited - immediate, b);
        }
    }

    /** One sequence of Data-Out PDUs for [offset, offset + length) of the task's data. */
    private void addDataOut(Task t, int ttt, int offset, int length, Batch b) {
        int max = params.targetMaxRecvDataSegmentLength();
        int dataSN = 0;
        for (int done = 0; done < length; ) {
            int n = Math.min(max, length - done);
            boolean last = done + n == length;
            Pdu.DataOut pdu = new Pdu.DataOut(last, t.cmd.lun(), t.itt, ttt, expStatSN, dataSN++, offset + done,
                    Bytes.EMPTY);
            addWithData(pdu, t.cmd.dataOut(), offset + done, n, b);
            done += n;
        }
    }

    /**
     * Adds {@code header} (encoded with an empty data segment) followed by {@code length} bytes of
     * {@code data} from its position plus {@code offset}, patching DataSegmentLength: the caller's
     * data goes to the socket in the gathering write, no copy. With digests the data goes through
     * the encoder instead.
     */
    private void addWithData(Pdu header, ByteBuffer data, int offset, int length, Batch b) {
        if (digests.header() || digests.data()) {
            ByteBuffer slice = data.slice(data.position() + offset, length);
            Pdu withData = switch (header) {
                case Pdu.DataOut d -> new Pdu.DataOut(d.finalPdu(), d.lun(), d.initiatorTaskTag(),
                        d.targetTransferTag(), d.expStatSN(), d.dataSN(), d.bufferOffset(), Bytes.of(slice));
                case Pdu.ScsiCommand s -> new Pdu.ScsiCommand(s.immediate(), s.finalPdu(), s.read(), s.write(),
                        s.taskAttribute(), s.lun(), s.initiatorTaskTag(), s.expectedDataTransferLength(), s.cmdSN(),
                        s.expStatSN(), s.cdb(), s.bidirectionalReadLength(), Bytes.of(slice));
                default -> throw new IllegalArgumentException(header.opcode().toString());
            };
            b.add(ByteBuffer.wrap(IscsiEncoder.encode(withData, digests)));
            return;
        }
        byte[] h = IscsiEncoder.encode(header, Digests.NONE);
        h[5] = (byte) (length >>> 16);
        h[6] = (byte) (length >>> 8);
        h[7] = (byte) length;
        b.add(ByteBuffer.wrap(h));
        addData(data, offset, length, b);
    }

    /** {@code length} bytes of {@code data} from its position plus {@code offset}, padded to 4 (no digests). */
    private static void addData(ByteBuffer data, int offset, int length, Batch b) {
        b.add(data.slice(data.position() + offset, length));
        int pad = (4 - (length & 3)) & 3;
        if (pad > 0) {
            b.add(ZERO_PAD.slice(0, pad));
        }
    }

    private void addControl(Control control, Batch b) {
        int sn;
        lock.lock();
        try {
            sn = cmdSN; // immediate PDUs carry the current CmdSN and do not advance it (§3.2.2.1)
        } finally {
            lock.unlock();
        }
        switch (control) {
            case Control.DataOut d -> {
                if (beginWrite(d.task())) {
                    b.using.add(d.task());
                    addDataOut(d.task(), d.ttt(), d.offset(), d.length(), b);
                }
            }
            case Control.Ping p -> b.add(ByteBuffer.wrap(IscsiEncoder.encode(new Pdu.NopOut(true, 0, p.itt(),
                    Pdu.RESERVED_TAG, sn, expStatSN, Bytes.EMPTY), digests)));
            case Control.PingAnswer a -> b.add(ByteBuffer.wrap(IscsiEncoder.encode(new Pdu.NopOut(true, a.lun(),
                    Pdu.RESERVED_TAG, a.ttt(), sn, expStatSN, a.data()), digests)));
            case Control.Logout l -> b.add(ByteBuffer.wrap(IscsiEncoder.encode(new Pdu.LogoutRequest(true,
                    Pdu.LogoutReason.CLOSE_SESSION, l.itt(), 0, sn, expStatSN), digests)));
            case Control.Tmf c -> {
                PendingTmf tmf = c.tmf();
                int refCmdSN;
                if (tmf.referenced != null) {
                    tmf.affected = List.of(tmf.referenced);
                    lock.lock();
                    try {
                        refCmdSN = tmf.referenced.cmdSN;
                    } finally {
                        lock.unlock();
                    }
                } else {
                    // every command for the LUN sent (or taken to send) before the request
                    List<Task> affected = new ArrayList<>();
                    lock.lock();
                    try {
                        for (Task t : tasks.snapshot()) {
                            if (t.taken && t.cmd.lun() == tmf.lun) {
                                affected.add(t);
                            }
                        }
                    } finally {
                        lock.unlock();
                    }
                    tmf.affected = affected;
                    refCmdSN = 0; // reserved
                }
                tmf.sentNanos = System.nanoTime();
                tmf.sent = true;
                b.add(ByteBuffer.wrap(IscsiEncoder.encode(new Pdu.TaskManagementRequest(true, tmf.function, tmf.lun,
                        tmf.itt, tmf.referenced != null ? tmf.referenced.itt : Pdu.RESERVED_TAG, sn, expStatSN,
                        refCmdSN, 0), digests)));
            }
        }
    }

    private void enqueueControl(Control c) {
        lock.lock();
        try {
            controlQueue.add(c);
            wakeWriter();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ reader

    private void readLoop() {
        IscsiDecoder decoder = new IscsiDecoder(IscsiDecoder.Receiver.INITIATOR, digests,
                params.initiatorMaxRecvDataSegmentLength());
        // direct, so that the channel reads into it without the JDK's copy through a temporary
        // direct buffer; it holds any whole PDU up to our MaxRecvDataSegmentLength
        ByteBuffer buf = ByteBuffer.allocateDirect(48 + 1020 + 8 + params.initiatorMaxRecvDataSegmentLength() + 4
                + Math.max(0, leftover.remaining()));
        buf.put(leftover).flip();
        boolean inPlace = !digests.data();
        try {
            while (!torn) {
                if (inPlace) {
                    // Data-In: only the header is decoded; the data segment goes from the receive
                    // buffer straight into the task's buffer (with data digests, decode checks them)
                    IscsiDecoder.DataInHeader h = decoder.decodeDataInHeader(buf);
                    if (h != null && buf.remaining() >= h.length()) {
                        lastReceiveNanos = System.nanoTime();
                        int at = buf.position();
                        buf.position(at + h.length());
                        dataInsPlacedDirectly++;
                        onDataIn(h.pdu(), buf, at + h.dataOffset(), h.dataLength());
                        continue;
                    }
                }
                Pdu p = decoder.decode(buf);
                if (p == null) {
                    buf.compact();
                    int n = channel.read(buf);
                    buf.flip();
                    if (n < 0) {
                        throw new EOFException();
                    }
                    continue;
                }
                lastReceiveNanos = System.nanoTime();
                if (!(p instanceof Pdu.TargetPdu tp)) {
                    throw new IscsiProtocolException("initiator PDU " + p.opcode() + " from the target");
                }
                dispatch(tp);
            }
        } catch (EOFException e) {
            teardown(gracefulClose ? closeReason : "target " + peer + " closed the connection", !gracefulClose);
        } catch (IscsiProtocolException e) {
            teardown("protocol error from " + peer + ": " + e.getMessage(), true);
        } catch (IOException e) {
            teardown("receive from " + peer + " failed: " + e, true);
        } catch (RuntimeException e) {
            teardown("reader failed: " + e, true);
            throw e;
        }
    }

    private void dispatch(Pdu.TargetPdu p) throws IscsiProtocolException {
        switch (p) {
            case Pdu.DataIn d -> onDataIn(d, d.data().asReadOnlyBuffer(), 0, d.data().length());
            case Pdu.ScsiResponse r -> {
                window(r.expCmdSN(), r.maxCmdSN());
                statSN(r.statSN());
                Task t = task(r.initiatorTaskTag(), "SCSI Response");
                if (t == null) {
                    return;
                }
                if (r.response() != Pdu.ScsiResponse.COMMAND_COMPLETED) {
                    finish(t, new ScsiResult.Failed("target failure (iSCSI response " + r.response() + ") for "
                            + t.describe() + " on " + uri.name(), true));
                } else {
                    int transferred;
                    synchronized (t) {
                        transferred = t.isWrite() ? t.length : t.received;
                    }
                    finish(t, new ScsiResult.Completed(r.status(), r.senseData().toByteArray(),
                            r.residualUnderflow(), r.residualOverflow(), r.residualCount(), transferred));
                }
            }
            case Pdu.R2T r -> {
                window(r.expCmdSN(), r.maxCmdSN());
                Task t = task(r.initiatorTaskTag(), "R2T");
                if (t == null) {
                    return;
                }
                long end = Integer.toUnsignedLong(r.bufferOffset()) + Integer.toUnsignedLong(r.desiredDataTransferLength());
                if (!t.isWrite() || r.desiredDataTransferLength() == 0 || end > t.length) {
                    throw new IscsiProtocolException("R2T for " + t.describe() + " asks for "
                            + Integer.toUnsignedString(r.desiredDataTransferLength()) + " bytes at "
                            + Integer.toUnsignedString(r.bufferOffset()) + " of " + t.length);
                }
                if (Integer.toUnsignedLong(r.desiredDataTransferLength()) > params.maxBurstLength()) {
                    throw new IscsiProtocolException("R2T asks for more than MaxBurstLength " + params.maxBurstLength());
                }
                enqueueControl(new Control.DataOut(t, r.targetTransferTag(), r.bufferOffset(),
                        r.desiredDataTransferLength()));
            }
            case Pdu.NopIn n -> {
                window(n.expCmdSN(), n.maxCmdSN());
                if (n.initiatorTaskTag() != Pdu.RESERVED_TAG) {
                    statSN(n.statSN());
                    if (n.initiatorTaskTag() == pingItt) {
                        pingItt = Pdu.RESERVED_TAG;
                    }
                }
                if (n.targetTransferTag() != Pdu.RESERVED_TAG) {
                    enqueueControl(new Control.PingAnswer(n.targetTransferTag(), n.lun(), n.pingData()));
                }
            }
            case Pdu.AsyncMessage a -> {
                window(a.expCmdSN(), a.maxCmdSN());
                statSN(a.statSN());
                onAsync(a);
            }
            case Pdu.LogoutResponse l -> {
                window(l.expCmdSN(), l.maxCmdSN());
                statSN(l.statSN());
                logoutAnswered.complete(null);
            }
            case Pdu.Reject r -> {
                window(r.expCmdSN(), r.maxCmdSN());
                statSN(r.statSN());
                throw new IscsiProtocolException(String.format("the target rejected a PDU (reason %02Xh, header %s)",
                        r.reason(), r.rejectedHeader().toHex()));
            }
            case Pdu.TaskManagementResponse m -> {
                window(m.expCmdSN(), m.maxCmdSN());
                statSN(m.statSN());
                onTmfResponse(m);
            }
            case Pdu.TextResponse tr -> {
                window(tr.expCmdSN(), tr.maxCmdSN());
                statSN(tr.statSN());
            }
            case Pdu.LoginResponse lr -> throw new IscsiProtocolException("Login Response in the full feature phase");
        }
    }

    /** Data-In PDUs received in place so far (for tests). */
    long dataInsPlacedDirectly() {
        return dataInsPlacedDirectly;
    }

    /**
     * A Data-In whose data segment is the {@code n} bytes of {@code src} from absolute index
     * {@code srcIndex} ({@code d.data()} is not used): copied into the task's buffer at its
     * BufferOffset with an absolute put (the caller's position and limit stay).
     */
    private void onDataIn(Pdu.DataIn d, ByteBuffer src, int srcIndex, int n) throws IscsiProtocolException {
        window(d.expCmdSN(), d.maxCmdSN());
        if (d.statusPresent()) {
            statSN(d.statSN());
        }
        Task t = task(d.initiatorTaskTag(), "Data-In");
        if (t == null) {
            return;
        }
        if (t.cmd.dataIn() == null) {
            throw new IscsiProtocolException("Data-In for " + t.describe() + ", which reads nothing");
        }
        int off = d.bufferOffset();
        if (off < 0 || n > t.length - off) {
            throw new IscsiProtocolException("Data-In for " + t.describe() + " at offset "
                    + Integer.toUnsignedString(off) + " with " + n + " bytes beyond the expected "
                    + t.length);
        }
        synchronized (t) {
            if (!t.done) {
                ByteBuffer into = t.cmd.dataIn();
                into.put(into.position() + off, src, srcIndex, n);
                t.received += n;
            }
        }
        if (d.statusPresent()) {
            finish(t, new ScsiResult.Completed(d.status(), new byte[0], d.residualUnderflow(),
                    d.residualOverflow(), d.residualCount(), t.received));
        }
    }

    /** The task {@code itt} names; null for a task a TMF ended (late PDUs are ignored). */
    private Task task(int itt, String what) throws IscsiProtocolException {
        Task t = tasks.get(itt);
        if (t == null && itt != Pdu.RESERVED_TAG && gone.contains(itt)) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: {1} for ITT {2}, which a task management function ended",
                    uri.name(), what, Integer.toHexString(itt));
            return null;
        }
        if (t == null) {
            throw new IscsiProtocolException(what + " for unknown ITT " + Integer.toHexString(itt));
        }
        return t;
    }

    private void statSN(int statSN) {
        int next = SerialNumber.add(statSN, 1);
        if (SerialNumber.greaterThan(next, expStatSN)) {
            expStatSN = next;
        }
    }

    /** §4.2.2.1: take ExpCmdSN and MaxCmdSN forward only, and ignore both if MaxCmdSN < ExpCmdSN - 1. */
    private void window(int exp, int max) {
        if (SerialNumber.lessThan(max, exp - 1)) { // int arithmetic wraps like serial numbers
            return;
        }
        lock.lock();
        try {
            if (SerialNumber.greaterThan(exp, expCmdSN)) {
                expCmdSN = exp;
            }
            if (SerialNumber.greaterThan(max, maxCmdSN)) {
                maxCmdSN = max;
                wakeWriter();
            }
        } finally {
            lock.unlock();
        }
    }

    private void onAsync(Pdu.AsyncMessage a) {
        switch (a.asyncEvent()) {
            case Pdu.AsyncEvent.CONNECTION_DROP, Pdu.AsyncEvent.SESSION_DROP -> {
                LOG.log(System.Logger.Level.WARNING, "{0}: the target drops the {1} (Time2Wait {2} s)", uri.name(),
                        a.asyncEvent() == Pdu.AsyncEvent.SESSION_DROP ? "session" : "connection", a.parameter2());
                Thread.ofVirtual().start(() -> teardown("the target dropped the "
                        + (a.asyncEvent() == Pdu.AsyncEvent.SESSION_DROP ? "session" : "connection")
                        + " (asynchronous message)", true));
            }
            case Pdu.AsyncEvent.LOGOUT_REQUESTED -> {
                LOG.log(System.Logger.Level.WARNING, "{0}: the target requests a logout within {1} s", uri.name(),
                        a.parameter3());
                Thread.ofVirtual().start(() -> logout("the target requested a logout (asynchronous message)"));
            }
            default -> LOG.log(System.Logger.Level.INFO, "{0}: asynchronous message, event {1}", uri.name(),
                    a.asyncEvent());
        }
        if (asyncListener != null) {
            try {
                asyncListener.onAsyncMessage(this, a);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "async listener failed", e);
            }
        }
    }

    // ------------------------------------------------------------------ timer

    /**
     * Runs on the shared {@link SessionTimer} thread every few milliseconds: command deadlines
     * (ABORT TASK, then teardown), TMF deadlines, and the NOP-Out ping. Never blocks: a teardown
     * it decides on runs on a virtual thread of its own.
     */
    private void tick() {
        if (torn) {
            ticker.cancel(false);
            return;
        }
        long nopInterval = options.nopInterval().toNanos();
        long nopTimeout = options.nopTimeout().toNanos();
        long now = System.nanoTime();
        if (!tasks.isEmpty()) {
            for (Task t : tasks.snapshot()) {
                if (!t.sent || now - t.sentNanos <= commandTimeoutNanos) {
                    continue;
                }
                String why = t.describe() + " timed out after " + options.commandTimeout().toMillis() + " ms on "
                        + uri.name();
                if (t.timedOut == null) {
                    abortTimedOut(t, why);
                } else if (now - t.sentNanos > commandTimeoutNanos + abortTimeoutNanos) {
                    teardownAsync(why + "; ABORT TASK unanswered within " + abortTimeoutNanos / 1_000_000 + " ms");
                    return;
                }
            }
        }
        for (PendingTmf tmf : tmfs.values()) {
            if (tmf.sent && now - tmf.sentNanos > commandTimeoutNanos + abortTimeoutNanos) {
                teardownAsync(tmf.describe() + " unanswered after " + options.commandTimeout().toMillis() + " ms on "
                        + uri.name());
                return;
            }
        }
        if (draining) {
            return;
        }
        if (pingItt != Pdu.RESERVED_TAG) {
            // counted from the ping only: after a stall of this process (a starved machine) the
            // silence was ours, and the target still gets its full nopTimeout to answer
            if (now - pingSentNanos > nopTimeout) {
                teardownAsync("no answer to NOP-Out from " + peer + " within " + options.nopTimeout().toMillis()
                        + " ms");
            }
        } else if (now - lastReceiveNanos > nopInterval) {
            int itt = tasks.controlItt();
            pingSentNanos = now; // counted from now, so a writer stuck on a full socket counts too
            pingItt = itt;
            enqueueControl(new Control.Ping(itt));
        }
    }

    /**
     * The first fencing step for a command past its timeout: ABORT TASK. If the target answers that
     * the task is gone, only that command fails ({@code mayStillExecute} false) and the session
     * stays; any other answer, or none within {@code abortTimeoutNanos}, tears the connection down.
     */
    private void abortTimedOut(Task t, String why) {
        t.timedOut = why;
        LOG.log(System.Logger.Level.WARNING, "{0}; sending ABORT TASK", why);
        abortTask(t.itt).whenComplete((r, e) -> {
            if (e == null && r != TmfResponse.FUNCTION_COMPLETE && r != TmfResponse.TASK_DOES_NOT_EXIST) {
                teardown(why + "; ABORT TASK answered: " + r.description(), true);
            }
        });
    }

    // ------------------------------------------------------------------ teardown and logout

    /** {@link #teardown} (abortive) on a virtual thread of its own: for the timer thread, which must not block. */
    private void teardownAsync(String reason) {
        if (tearing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("iscsi-teardown " + uri.name()).start(() -> tornDown(reason, true));
        }
    }

    /** Closes the socket, then fails every outstanding task. Idempotent. */
    private void teardown(String reason, boolean abortive) {
        if (tearing.compareAndSet(false, true)) {
            tornDown(reason, abortive);
        }
    }

    private void tornDown(String reason, boolean abortive) {
        closeReason = reason;
        lock.lock();
        try {
            torn = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        if (abortive) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException ignored) {
                // the socket may be gone already
            }
        }
        closeQuietly(channel); // returns once no read or write of ours is in progress on the socket
        closedAtNanos = System.nanoTime();
        LOG.log(abortive ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                "{0}: session torn down: {1} ({2} outstanding)", uri.name(), reason, tasks.size());
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (writer != null && writer != Thread.currentThread()) {
            writer.interrupt();
        }
        try {
            onTornDown.accept(this);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "onTornDown failed", e);
        } finally {
            failAll();
        }
    }

    private void failAll() {
        String reason = "session to " + uri.name() + " lost: " + closeReason;
        List<Task> queued = new ArrayList<>();
        lock.lock();
        try {
            queued.addAll(commandQueue);
            commandQueue.clear();
        } finally {
            lock.unlock();
        }
        for (Task t : queued) {
            finish(t, new ScsiResult.Failed(reason, false));
        }
        for (Task t : tasks.snapshot()) {
            finish(t, new ScsiResult.Failed(reason, t.sent));
        }
        for (PendingTmf tmf : tmfs.values()) {
            tmfs.remove(tmf.itt, tmf);
            tmf.result.completeExceptionally(new IOException(tmf.describe() + " unanswered: " + reason));
        }
    }

    /** Waits (bounded) for outstanding tasks, sends a Logout Request and closes. */
    private void logout(String reason) {
        draining = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (!torn && !tasks.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (torn) {
            return;
        }
        if (!tasks.isEmpty()) {
            teardown(reason + " with " + tasks.size() + " commands outstanding", true);
            return;
        }
        int itt = tasks.controlItt();
        closeReason = reason;
        gracefulClose = true;
        enqueueControl(new Control.Logout(itt));
        try {
            logoutAnswered.get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: no Logout Response within 1 s", uri.name());
        }
        teardown(reason, false);
    }

    /**
     * Logs out: no new commands, up to one second for the outstanding ones, then a Logout Request
     * (close the session) answered within one second, then close. Whatever is still outstanding
     * completes with a failure.
     */
    public void close() {
        logout("closed by the initiator");
    }

    /** Tears the connection down as a failure would (tests, administrative reset). */
    public void abort(String reason) {
        teardown(reason, true);
    }

    @Override
    public String toString() {
        return "IscsiSession[" + uri.name() + ", isid=" + Long.toHexString(isid) + ", tsih=" + tsih
                + (torn ? ", closed: " + closeReason : draining ? ", closing" : ", up") + "]";
    }
}
