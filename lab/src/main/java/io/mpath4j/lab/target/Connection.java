package io.mpath4j.lab.target;

import io.mpath4j.iscsi.login.KeyValue;
import io.mpath4j.iscsi.login.NegotiationException;
import io.mpath4j.iscsi.login.TextAssembler;
import io.mpath4j.iscsi.login.TextCodec;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.DataDigestException;
import io.mpath4j.iscsi.pdu.IscsiProtocolException;
import io.mpath4j.iscsi.pdu.Opcode;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.iscsi.pdu.UnsupportedPduException;
import io.mpath4j.scsi.data.Lun;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One TCP connection to a portal of the lab target: the login phase ({@link TargetLogin}), then
 * the full feature phase of a discovery session (Text SendTargets, NOP, Logout) or of a normal
 * session ({@link TargetSession}). One reader virtual thread decodes and dispatches PDUs; replies
 * go out through the {@link PduChannel} from whichever thread produced them; a watchdog sends
 * NOP-In pings when the initiator has been silent and drops the connection if they go unanswered.
 *
 * <p><b>Errors.</b> Nothing the initiator sends can stop the target: a PDU with a data digest
 * error or an opcode the target does not handle is answered with a Reject (RFC 7143 §11.17) and
 * the connection goes on (a Data-Out whose data is lost ends it: ERL 0 cannot recover the write);
 * a header digest error, malformed framing or a protocol error drops the connection (§7.1.3,
 * §7.10), which ends the session and its tasks.
 */
final class Connection {

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private final SocketChannel socket;
    private final Portal portal;
    private final LabTarget target;
    private final PduChannel channel;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicInteger nextTtt = new AtomicInteger(1);
    private final String peer;
    private volatile TargetSession session;
    private volatile CommandWindow<Pdu.InitiatorPdu> window;
    private volatile long lastReceiveNanos = System.nanoTime();
    private volatile int pingTtt = Pdu.RESERVED_TAG;
    private volatile long pingSentNanos;
    private volatile int initiatorMaxRecv = 8192;
    private volatile String closeReason = "";
    /** ITTs of writes ended early (a Data-Out error, an abort): their late Data-Out is dropped, not an error. */
    private final java.util.Set<Integer> discarding = java.util.Collections.newSetFromMap(
            new java.util.LinkedHashMap<Integer, Boolean>() {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Integer, Boolean> eldest) {
                    return size() > 1024;
                }
            });
    // a SendTargets answer longer than one PDU, sent in parts (§11.11.2): guarded by the reader
    private byte[] pendingText;
    private int pendingTextOffset;
    private int pendingTextTtt;

    Connection(SocketChannel socket, Portal portal, LabTarget target) {
        this.socket = socket;
        this.portal = portal;
        this.target = target;
        String p;
        try {
            p = String.valueOf(socket.getRemoteAddress());
        } catch (IOException e) {
            p = "?";
        }
        this.peer = p;
        this.channel = new PduChannel(socket, portal.faults(), open::get, target.random().nextInt() & 0x7fff_ffff);
    }

    PduChannel channel() {
        return channel;
    }

    boolean isOpen() {
        return open.get();
    }

    String closeReason() {
        return closeReason;
    }

    void start() {
        Thread.ofVirtual().name("lab-conn " + peer).start(this::run);
    }

    /**
     * Closes the connection (a reset if {@code reset}: RST instead of FIN) and ends its session.
     * Idempotent.
     */
    void close(String reason, boolean reset) {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        closeReason = reason;
        LOG.log(System.Logger.Level.DEBUG, "connection {0} closes: {1}", peer, reason);
        try {
            if (reset) {
                socket.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        portal.forget(this);
        TargetSession s = session;
        if (s != null) {
            s.end("connection closed: " + reason);
        }
    }

    private void run() {
        try {
            if (!login()) {
                return;
            }
            if (target.settings().nopInterval().isPositive()) {
                Thread.ofVirtual().name("lab-nop " + peer).start(this::watch);
            }
            readLoop();
        } catch (EOFException e) {
            close("the initiator closed the connection", false);
        } catch (IOException e) {
            close("I/O error: " + e.getMessage(), false);
        } catch (InterruptedException e) {
            close("interrupted", true);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "connection " + peer + " failed", e);
            close("internal error: " + e, true);
        }
    }

    // ------------------------------------------------------------------ login

    private boolean login() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + target.settings().loginTimeout().toNanos();
        Thread timer = Thread.ofVirtual().start(() -> {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, deadline - System.nanoTime()));
                if (session == null && window == null) {
                    close("login timed out", true);
                }
            } catch (InterruptedException e) {
                // login finished
            }
        });
        try {
            return login0();
        } finally {
            timer.interrupt();
        }
    }

    private boolean login0() throws IOException, InterruptedException {
        TargetLogin login = new TargetLogin(target.loginContext(portal.spec()));
        int windowSize = target.settings().commandWindow();
        while (open.get()) {
            Pdu p;
            try {
                p = channel.receive();
            } catch (IscsiProtocolException e) {
                close("protocol error during login: " + e.getMessage(), true);
                return false;
            }
            if (!(p instanceof Pdu.LoginRequest req)) {
                close("expected a Login Request, got " + p.opcode(), true);
                return false;
            }
            try {
                Pdu.LoginResponse r = login.onRequest(req, channel.takeStatSN(), windowSize);
                if (r != null) {
                    channel.sendRaw(r);
                    continue;
                }
                TargetLogin.Outcome o = login.outcome();
                if (login.requestedTsih() != 0) {
                    // MaxConnections=1 and ERL 0: no connection is ever added to, or reinstated in, a session
                    throw new LoginRefused(target.sessions().all().stream()
                            .anyMatch(s -> s.tsih == login.requestedTsih()) ? LoginRefused.TOO_MANY_CONNECTIONS
                                    : LoginRefused.SESSION_DOES_NOT_EXIST,
                            "login with TSIH " + login.requestedTsih() + ": sessions here have one connection");
                }
                int tsih;
                CommandWindow<Pdu.InitiatorPdu> w;
                if (o.discovery()) {
                    tsih = target.sessions().newTsih();
                    w = new CommandWindow<>(o.cmdSN(), windowSize);
                } else {
                    SessionKey key = new SessionKey(o.initiatorName(), o.isid(), o.node().iqn(),
                            portal.spec().portalGroupTag());
                    TargetSession s = target.sessions().open(key, t -> new TargetSession(key, t, o.node(), o.params(),
                            o.cmdSN(), windowSize, portal, target.sessions(), target.settings().drainTimeout()),
                            target.settings().drainTimeout());
                    s.attach(this);
                    session = s;
                    tsih = s.tsih;
                    w = s.window;
                }
                initiatorMaxRecv = o.params().initiatorMaxRecvDataSegmentLength();
                Pdu.LoginResponse fin = login.finalResponse(tsih, channel.takeStatSN(), windowSize);
                channel.sendRaw(fin);
                channel.fullFeature(o.params().digests(), o.params().targetMaxRecvDataSegmentLength());
                window = w;
                LOG.log(System.Logger.Level.INFO, "login from {0} ({1}, ISID {2}, TSIH {3}): {4}", peer,
                        o.discovery() ? "discovery" : o.node().iqn(), Long.toHexString(o.isid()), tsih, o.params());
                if (!open.get() && session != null) {
                    session.end("closed during login");
                    return false;
                }
                return true;
            } catch (LoginRefused e) {
                LOG.log(System.Logger.Level.INFO, "login from {0} refused ({1}/{2}): {3}", peer,
                        e.statusClass(), e.statusDetail(), e.getMessage());
                channel.sendRaw(login.refusal(e, channel.takeStatSN(), windowSize));
                close("login refused: " + e.getMessage(), false);
                return false;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ full feature phase

    private void readLoop() throws IOException, InterruptedException {
        while (open.get()) {
            Pdu p;
            try {
                p = channel.receive();
            } catch (DataDigestException e) {
                if (e.opcode() == Opcode.DATA_OUT) {
                    close("data digest error on a Data-Out: ERL 0 cannot recover the write", true);
                    return;
                }
                reject(Pdu.Reject.DATA_DIGEST_ERROR, e.header());
                continue;
            } catch (UnsupportedPduException e) {
                reject(Pdu.Reject.COMMAND_NOT_SUPPORTED, e.header());
                continue;
            } catch (IscsiProtocolException e) {
                close("protocol error: " + e.getMessage(), true);
                return;
            }
            lastReceiveNanos = System.nanoTime();
            try {
                dispatch(p);
            } catch (ProtocolViolation e) {
                LOG.log(System.Logger.Level.INFO, "connection {0}: {1}", peer, e.getMessage());
                close("protocol error: " + e.getMessage(), true);
                return;
            }
        }
    }

    private void dispatch(Pdu p) throws IOException, ProtocolViolation {
        switch (p) {
            case Pdu.DataOut d -> dataOut(d);
            case Pdu.NopOut n when n.initiatorTaskTag() == Pdu.RESERVED_TAG -> {
                // an answer to our ping, or a bare ExpStatSN update: neither takes a CmdSN (§11.18)
                if (n.targetTransferTag() != Pdu.RESERVED_TAG && n.targetTransferTag() == pingTtt) {
                    pingTtt = Pdu.RESERVED_TAG;
                }
            }
            case Pdu.NopOut n -> windowed(n.cmdSN(), n.immediate(), n);
            case Pdu.ScsiCommand c -> windowed(c.cmdSN(), c.immediate(), c);
            case Pdu.TaskManagementRequest t -> windowed(t.cmdSN(), t.immediate(), t);
            case Pdu.TextRequest t -> windowed(t.cmdSN(), t.immediate(), t);
            case Pdu.LogoutRequest l -> windowed(l.cmdSN(), l.immediate(), l);
            case Pdu.SnackRequest s -> reject(Pdu.Reject.SNACK_REJECT, header(s)); // ERL 0: no SNACK
            case Pdu.LoginRequest l -> throw new ProtocolViolation("Login Request in the full feature phase");
            default -> throw new ProtocolViolation("unexpected " + p.opcode());
        }
    }

    private void windowed(int cmdSN, boolean immediate, Pdu.InitiatorPdu p) throws IOException, ProtocolViolation {
        CommandWindow.Admission<Pdu.InitiatorPdu> a = window.admit(cmdSN, immediate, p);
        if (a.dropped()) {
            LOG.log(System.Logger.Level.DEBUG, "dropped {0} with CmdSN {1} outside {2}..{3}", p.opcode(),
                    Integer.toUnsignedString(cmdSN), Integer.toUnsignedString(window.expCmdSN()),
                    Integer.toUnsignedString(window.maxCmdSN()));
            return;
        }
        for (Pdu.InitiatorPdu d : a.deliver()) {
            deliver(d);
        }
    }

    private void deliver(Pdu.InitiatorPdu p) throws IOException, ProtocolViolation {
        switch (p) {
            case Pdu.NopOut n -> channel.sendStatus((statSN, exp, max) -> new Pdu.NopIn(n.lun(), n.initiatorTaskTag(),
                    Pdu.RESERVED_TAG, statSN, exp, max, n.pingData()), window);
            case Pdu.ScsiCommand c -> command(c);
            case Pdu.TaskManagementRequest t -> taskManagement(t);
            case Pdu.TextRequest t -> text(t);
            case Pdu.LogoutRequest l -> logout(l);
            default -> throw new ProtocolViolation("unexpected " + p.opcode());
        }
    }

    // ------------------------------------------------------------------ SCSI commands and Data-Out

    private void command(Pdu.ScsiCommand c) throws IOException, ProtocolViolation {
        TargetSession s = session;
        if (s == null) {
            reject(Pdu.Reject.PROTOCOL_ERROR, header(c)); // a discovery session carries no SCSI commands
            return;
        }
        discarding.remove(c.initiatorTaskTag());
        DataOutCollector collector = null;
        if (c.write()) {
            long edtl = Integer.toUnsignedLong(c.expectedDataTransferLength());
            if (edtl > target.settings().maxWriteLength()) {
                throw new ProtocolViolation("write of " + edtl + " bytes, over this target's limit of "
                        + target.settings().maxWriteLength());
            }
            try {
                collector = new DataOutCollector((int) edtl, c.finalPdu(), c.immediateData(), s.params,
                        () -> nextTtt.getAndUpdate(v -> v == 0x7fff_fffe ? 1 : v + 1));
            } catch (ProtocolViolation e) {
                if (e.sense() == null) {
                    throw e;
                }
                discarding.add(c.initiatorTaskTag());
                failCommand(c, e);
                return;
            }
        }
        TargetTask t = new TargetTask(c, lunNumber(c.lun()), collector);
        if (!s.register(t)) {
            reject(Pdu.Reject.TASK_IN_PROGRESS, header(c));
            return;
        }
        if (collector == null || collector.complete()) {
            s.execute(t);
            return;
        }
        sendR2Ts(t, collector.grants());
    }

    private void dataOut(Pdu.DataOut d) throws IOException, ProtocolViolation {
        TargetSession s = session;
        TargetTask t = s == null ? null : s.task(d.initiatorTaskTag());
        if (t == null || t.collector == null || t.state() != TargetTask.State.COLLECTING) {
            if (discarding.contains(d.initiatorTaskTag()) || (t != null && t.isAborted())) {
                return; // data still in flight for a write that ended early
            }
            throw new ProtocolViolation(String.format("Data-Out for ITT %08x, which has no write collecting data",
                    d.initiatorTaskTag()));
        }
        List<DataOutCollector.R2TGrant> grants;
        try {
            grants = t.collector.accept(d);
        } catch (ProtocolViolation e) {
            if (e.sense() == null) {
                throw e;
            }
            // this write is spoilt, the connection is not: end the command with the sense data
            discarding.add(t.itt());
            if (s.fail(t)) {
                failCommand(t.cmd, e);
            }
            return;
        }
        if (t.collector.complete()) {
            s.execute(t);
        } else {
            sendR2Ts(t, grants);
        }
    }

    private void failCommand(Pdu.ScsiCommand c, ProtocolViolation e) throws IOException {
        LOG.log(System.Logger.Level.INFO, "connection {0}: command ITT {1} fails: {2}", peer,
                Integer.toHexString(c.initiatorTaskTag()), e.getMessage());
        ResponsePlan.Planned plan = ResponsePlan.plan(c, io.mpath4j.lab.lu.TaskResult.checkCondition(e.sense()), -1, 0,
                initiatorMaxRecv, Integer.MAX_VALUE);
        channel.sendResponse(plan, window);
    }

    private void sendR2Ts(TargetTask t, List<DataOutCollector.R2TGrant> grants) throws IOException {
        for (DataOutCollector.R2TGrant g : grants) {
            channel.sendData((statSN, exp, max) -> new Pdu.R2T(t.cmd.lun(), t.itt(), g.ttt(), statSN, exp, max,
                    g.r2tSN(), g.offset(), g.length()), window);
        }
    }

    /** The LUN number from the 8-byte LUN field (SAM-5 §4.7), or the raw field for other formats. */
    static long lunNumber(long raw) {
        int n = new Lun(raw).number();
        return n >= 0 ? n : raw;
    }

    // ------------------------------------------------------------------ task management

    private void taskManagement(Pdu.TaskManagementRequest t) {
        TargetSession s = session;
        if (s == null) {
            Thread.ofVirtual().start(() -> tmfResponse(t, Pdu.TaskManagementResponse.FUNCTION_REJECTED));
            return;
        }
        // TMFs wait for executing tasks: off the reader, so Data-Out and other commands keep flowing
        Thread.ofVirtual().name("lab-tmf").start(() -> tmfResponse(t, target.taskManagement(s, t)));
    }

    private void tmfResponse(Pdu.TaskManagementRequest t, int response) {
        try {
            channel.sendStatus((statSN, exp, max) -> new Pdu.TaskManagementResponse(response, t.initiatorTaskTag(),
                    statSN, exp, max), window);
        } catch (IOException e) {
            close("sending a task management response failed: " + e.getMessage(), false);
        }
        TargetSession s = session;
        if (s != null && t.function() == Pdu.TaskFunction.TARGET_COLD_RESET
                && response == Pdu.TaskManagementResponse.FUNCTION_COMPLETE) {
            // §11.5.1: after a cold reset the target closes all its connections to the target
            target.coldReset(s.node);
        }
    }

    // ------------------------------------------------------------------ text (SendTargets) and logout

    private void text(Pdu.TextRequest t) throws IOException, ProtocolViolation {
        byte[] answer;
        if (t.targetTransferTag() != Pdu.RESERVED_TAG) {
            if (pendingText == null || t.targetTransferTag() != pendingTextTtt) {
                throw new ProtocolViolation("Text Request continues a text response that does not exist");
            }
            answer = pendingText;
        } else {
            List<KeyValue> pairs;
            try {
                pairs = new TextAssembler().append(t.text(), t.continueFlag());
            } catch (NegotiationException e) {
                throw new ProtocolViolation("bad text: " + e.getMessage());
            }
            if (pairs == null) {
                throw new ProtocolViolation("continued Text Requests are not supported");
            }
            java.net.InetSocketAddress local;
            try {
                local = (java.net.InetSocketAddress) socket.getLocalAddress();
            } catch (IOException e) {
                local = null;
            }
            answer = TextCodec.encode(target.textAnswer(pairs, session == null ? null : session.node, portal, local));
            pendingText = answer;
            pendingTextOffset = 0;
            pendingTextTtt = nextTtt.getAndIncrement();
        }
        int len = Math.min(initiatorMaxRecv, answer.length - pendingTextOffset);
        Bytes part = Bytes.of(java.nio.ByteBuffer.wrap(answer, pendingTextOffset, len));
        pendingTextOffset += len;
        boolean last = pendingTextOffset >= answer.length;
        int ttt = last ? Pdu.RESERVED_TAG : pendingTextTtt;
        if (last) {
            pendingText = null;
        }
        channel.sendStatus((statSN, exp, max) -> new Pdu.TextResponse(last, !last, t.lun(), t.initiatorTaskTag(), ttt,
                statSN, exp, max, part), window);
    }

    private void logout(Pdu.LogoutRequest l) throws IOException {
        if (l.reasonCode() == Pdu.LogoutReason.REMOVE_CONNECTION_FOR_RECOVERY) {
            channel.sendStatus((statSN, exp, max) -> new Pdu.LogoutResponse(Pdu.LogoutResponse.RECOVERY_NOT_SUPPORTED,
                    l.initiatorTaskTag(), statSN, exp, max, 0, 0), window);
            return;
        }
        TargetSession s = session;
        if (s != null) {
            // a logout ends the session: its tasks are aborted and awaited before the answer (§11.14)
            s.abortAll();
        }
        channel.sendStatus((statSN, exp, max) -> new Pdu.LogoutResponse(Pdu.LogoutResponse.CLOSED_SUCCESSFULLY,
                l.initiatorTaskTag(), statSN, exp, max, 2, 20), window);
        close("logout", false);
    }

    private void reject(int reason, Bytes header) throws IOException {
        channel.sendStatus((statSN, exp, max) -> new Pdu.Reject(reason, statSN, exp, max, 0, header), window);
    }

    private static Bytes header(Pdu p) {
        byte[] all = io.mpath4j.iscsi.pdu.IscsiEncoder.encode(p, io.mpath4j.iscsi.pdu.Digests.NONE);
        return Bytes.of(java.util.Arrays.copyOf(all, io.mpath4j.iscsi.pdu.IscsiEncoder.BHS_LENGTH));
    }

    // ------------------------------------------------------------------ asynchronous messages

    /**
     * Sends an Asynchronous Message (RFC 7143 §11.9) of {@code event} with its parameters; false if
     * the connection is not in the full feature phase or the send failed.
     */
    boolean sendAsync(int event, int parameter1, int parameter2, int parameter3) {
        if (window == null || !open.get()) {
            return false;
        }
        try {
            channel.sendStatus((statSN, exp, max) -> new Pdu.AsyncMessage(0, statSN, exp, max, event, 0, parameter1,
                    parameter2, parameter3, Bytes.EMPTY, Bytes.EMPTY), window);
            return true;
        } catch (IOException e) {
            close("sending an asynchronous message failed: " + e.getMessage(), false);
            return false;
        }
    }

    // ------------------------------------------------------------------ NOP-In pings

    private void watch() {
        Duration interval = target.settings().nopInterval();
        long timeout = target.settings().nopTimeout().toNanos();
        try {
            while (open.get()) {
                Thread.sleep(Math.max(10, interval.toMillis() / 4));
                if (portal.faults().isBlackholed()) {
                    // we are not reading: an answer could not arrive; start afresh once healed
                    pingTtt = Pdu.RESERVED_TAG;
                    lastReceiveNanos = System.nanoTime();
                    continue;
                }
                long now = System.nanoTime();
                if (pingTtt != Pdu.RESERVED_TAG) {
                    if (now - pingSentNanos > timeout) {
                        close("NOP-In ping unanswered for " + target.settings().nopTimeout().toMillis() + " ms", true);
                        return;
                    }
                    continue;
                }
                if (now - lastReceiveNanos >= interval.toNanos()) {
                    int ttt = nextTtt.getAndIncrement();
                    pingSentNanos = now;
                    pingTtt = ttt;
                    // a ping takes no StatSN (§11.19: StatSN is not advanced when TTT is valid)
                    channel.sendData((statSN, exp, max) -> new Pdu.NopIn(0, Pdu.RESERVED_TAG, ttt, statSN, exp, max,
                            Bytes.EMPTY), window);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            close("sending a NOP-In failed: " + e.getMessage(), false);
        }
    }

    /** For tests and the lab's control: the session of this connection, if normal. */
    TargetSession session() {
        return session;
    }

    @Override
    public String toString() {
        return "Connection[" + peer + "]";
    }

    static List<Connection> snapshot(java.util.Collection<Connection> c) {
        return new ArrayList<>(c);
    }
}
