package io.mpath4j.iscsi;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.iscsi.session.IscsiSession;
import io.mpath4j.iscsi.session.ScsiCommand;
import io.mpath4j.iscsi.session.ScsiResult;
import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.ScsiStatus;
import io.mpath4j.scsi.alua.ReportTargetPortGroupsData;
import io.mpath4j.scsi.alua.TargetPortGroupDescriptor;
import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.cdb.Opcodes;
import io.mpath4j.scsi.cdb.UnmapParameterList;
import io.mpath4j.scsi.classify.Classification;
import io.mpath4j.scsi.classify.ScsiClassifier;
import io.mpath4j.scsi.classify.TransportAction;
import io.mpath4j.scsi.data.Lun;
import io.mpath4j.scsi.data.ReadCapacity16Data;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import io.mpath4j.scsi.vpd.BlockLimits;
import io.mpath4j.scsi.vpd.DeviceIdentification;
import io.mpath4j.scsi.vpd.LogicalBlockProvisioning;
import io.mpath4j.scsi.vpd.StandardInquiry;
import io.mpath4j.scsi.vpd.SupportedVpdPages;
import io.mpath4j.scsi.vpd.UnitSerialNumber;
import io.mpath4j.scsi.vpd.Vpd;
import io.mpath4j.scsi.vpd.Wwid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A path to one logical unit over one iSCSI session ({@link IscsiSession}), with a background
 * reconnect.
 *
 * <p><b>Identity.</b> After login the path reads standard INQUIRY (vendor, product, revision, the
 * TPGS field), VPD 80h (serial), VPD 83h (the WWID by multipath-tools' rules, {@link
 * Wwid#fromVpd83}, and the target port group designator), READ CAPACITY(16) (size, logical and
 * physical block size), VPD B0h (optimal and maximum transfer length, UNMAP limits) and B2h (LBPU).
 * The name is {@code iscsi://host:port/iqn/lun}, the target node name the IQN.
 *
 * <p><b>Requests.</b> Read and Write become READ/WRITE(10) or (16) (FUA kept), split at the
 * maximum transfer length (VPD B0h, else 8 MiB); Flush becomes SYNCHRONIZE CACHE; Discard becomes
 * UNMAP when the unit supports it (B2h LBPU and a B0h MAXIMUM UNMAP LBA COUNT), else WRITE SAME(16)
 * with UNMAP when B2h says LBPWS, else it completes OK at once (discard is advisory); WriteZeroes
 * becomes WRITE SAME(16) of a zero block (UNMAP bit when allowed and B2h says LBPWS and LBPRZ), or
 * zero-buffer WRITEs (1 MiB chunks) once the unit refused WRITE SAME. Requests not aligned to the logical block size fail with ILLEGAL
 * REQUEST without being sent. Statuses go through {@link ScsiClassifier}; its transport actions are
 * acted on: REFRESH_ALUA re-reads REPORT TARGET PORT GROUPS and emits {@link
 * PathEvent.AccessStateChanged}, CAPACITY_CHANGED re-reads the capacity and emits {@link
 * PathEvent.CapacityChanged}; other unit attentions are emitted as {@link PathEvent.UnitAttention}.
 * A command that failed without status (connection lost, timeout) is a path error, {@code
 * mayStillExecute} for writes that were sent.
 *
 * <p><b>Access state.</b> From REPORT TARGET PORT GROUPS when INQUIRY's TPGS field is not 0 (the
 * group of this port from VPD 83h), else active/optimized; offline while disconnected.
 *
 * <p><b>Checker.</b> TEST UNIT READY (one retry after a unit attention), plus RTPG when TPGS:
 * ready for an active state, ghost for standby/unavailable/transitioning (also NOT READY 04h/0Bh,
 * 0Ch), faulty on a path error or while disconnected.
 *
 * <p><b>Fencing (ERL 0 session reinstatement, RFC 7143 §6.3.5).</b> Every session of a path uses
 * the path's one ISID, and every login (the first one and every reconnect) is a leading login with
 * TSIH 0. When a session with that ISID still exists at the target, such a login reinstates it:
 * the target terminates the old session and all its tasks before it answers. So after a teardown,
 * {@link #fence()} completes when the reconnect loop's next login has succeeded (at once if one
 * already did since the last teardown), or once {@code fencingDelay} has passed since the teardown
 * (by then the target has dropped the old session and its tasks: ERL 0 ends the tasks of a failed
 * connection and session state lives at most DefaultTime2Wait + DefaultTime2Retain; the default
 * delay is those 22 s). If neither happens within {@code fenceTimeout} (10 s by default, shorter
 * than the delay: an unreachable target) the fence fails, and the engine fails the write rather
 * than risk a ghost write. A test that kills the target process may shorten the delay: a dead
 * process executes nothing.
 */
public final class IscsiPath implements Path {

    private static final System.Logger LOG = System.getLogger(IscsiPath.class.getName());

    static final int DEFAULT_MAX_TRANSFER = 8 << 20;
    static final int ZERO_CHUNK = 1 << 20;
    /** Blocks per WRITE SAME(16) when B0h sets no maximum (Linux sd's SD_MAX_WS10_BLOCKS). */
    static final long DEFAULT_WRITE_SAME_BLOCKS = 0xffff;
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(ZERO_CHUNK).asReadOnlyBuffer();
    private static final ScsiClassifier CLASSIFIER = ScsiClassifier.DEFAULT;

    private final IscsiUri uri;
    private final IscsiOptions options;
    private final long lun;
    private final long isid;
    private final Object lock = new Object();
    private volatile IscsiSession session; // null while disconnected
    private volatile PathIdentity identity;
    private volatile Geometry geometry;
    private volatile AccessState accessState = AccessState.OPTIMIZED;
    private volatile StandardInquiry inquiry;
    private volatile int maxTransferBytes = DEFAULT_MAX_TRANSFER;
    private volatile boolean unmap;
    private volatile long maxUnmapBlocks;
    private volatile boolean lbpws; // B2h: WRITE SAME(16) with UNMAP deallocates
    private volatile boolean lbprz; // B2h: deallocated blocks read as zeros
    private volatile long maxWriteSameBlocks = DEFAULT_WRITE_SAME_BLOCKS;
    /** False once the unit refused WRITE SAME(16) (invalid opcode or field): zero buffers from then on. */
    private volatile boolean writeSame = true;
    private volatile Consumer<PathEvent> listener = e -> {};
    private volatile boolean closed;
    private volatile String lastLoss = "";
    private final AtomicInteger teardowns = new AtomicInteger();
    private volatile int loginsAfterTeardown; // value of teardowns when the latest login succeeded
    private volatile long lastTeardownNanos;
    private final AtomicReference<CompletableFuture<Void>> reinstated = new AtomicReference<>();
    private Thread reconnector; // guarded by lock
    private Thread fencer; // guarded by lock
    /**
     * Held around every reinstating login (reconnect or fence through a sibling portal): a sibling
     * login with our ISID must never run after the reconnect succeeded, or it would end the fresh
     * session it was meant to protect.
     */
    private final java.util.concurrent.locks.ReentrantLock loginLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile List<IscsiUri> fencePortals = List.of();

    private IscsiPath(IscsiUri uri, IscsiOptions options) {
        this.uri = uri;
        this.options = options;
        this.lun = Lun.of(uri.lun()).raw();
        this.isid = IscsiSession.randomIsid(new SecureRandom());
    }

    /**
     * Logs in and reads the unit's identity (blocking, within the login and command timeouts).
     *
     * @throws IOException the portal cannot be reached, the login fails (message in words), or the
     *     unit does not answer INQUIRY / READ CAPACITY sensibly
     */
    public static IscsiPath connect(IscsiUri uri, IscsiOptions options) throws IOException {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        if (uri.isDiscovery()) {
            throw new IllegalArgumentException(uri + " is a discovery URI: it names no target and LUN");
        }
        IscsiPath p = new IscsiPath(uri, options);
        IscsiSession s = IscsiSession.open(uri, options, p.isid, p::onTornDown, p::onAsync);
        try {
            p.probe(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        synchronized (p.lock) {
            if (s.isTornDown()) {
                p.startReconnect();
            } else {
                p.session = s;
            }
        }
        LOG.log(System.Logger.Level.INFO, "{0}: logged in (TSIH {1}), {2}, {3} bytes, wwid {4}", uri.name(),
                Integer.toString(s.tsih()), p.identity.vendor() + " " + p.identity.product(),
                Long.toString(p.geometry.sizeBytes()), p.identity.wwid());
        return p;
    }

    public IscsiUri uri() {
        return uri;
    }

    public boolean isConnected() {
        IscsiSession s = session;
        return s != null && s.isUsable();
    }

    /** The current session, or null while disconnected (tests, tools). */
    public IscsiSession session() {
        return session;
    }

    /** The standard INQUIRY data of the unit. */
    public StandardInquiry inquiry() {
        return inquiry;
    }

    @Override
    public PathIdentity identity() {
        return identity;
    }

    @Override
    public Geometry geometry() {
        return geometry;
    }

    @Override
    public AccessState accessState() {
        return isConnected() ? accessState : AccessState.OFFLINE;
    }

    // ------------------------------------------------------------------ probing

    private ScsiResult.Completed run(IscsiSession s, ScsiCommand c, String what) throws IOException {
        for (int attempt = 0; ; attempt++) {
            ScsiResult r;
            try {
                r = s.execute(c).get(options.commandTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(what + " interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException(what + " on " + uri.name() + " failed: " + e, e);
            }
            switch (r) {
                case ScsiResult.Failed f -> throw new IOException(what + " on " + uri.name() + " failed: " + f.reason());
                case ScsiResult.Completed done -> {
                    if (done.status() == ScsiStatus.GOOD.code()) {
                        return done;
                    }
                    Classification cl = CLASSIFIER.classify(done.status(), done.sense(), attempt);
                    if (cl.status() instanceof IoStatus.RetryLater && attempt < 5) {
                        continue; // unit attentions after login (power on, reset), BUSY
                    }
                    throw new ScsiCommandException(what + " on " + uri.name() + ": "
                            + ((IoStatus.Failure) cl.status()).describe(), done);
                }
            }
        }
    }

    /** A SCSI command ended with a status other than GOOD. */
    static final class ScsiCommandException extends IOException {
        final ScsiResult.Completed result;

        ScsiCommandException(String message, ScsiResult.Completed result) {
            super(message);
            this.result = result;
        }
    }

    private byte[] dataIn(IscsiSession s, Cdb cdb, int length, String what) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        ScsiResult.Completed r = run(s, ScsiCommand.read(lun, cdb.encode(), b), what);
        int got = r.underflow() ? length - r.residualCount() : length;
        byte[] out = new byte[Math.max(0, Math.min(got, length))];
        b.get(0, out);
        return out;
    }

    private byte[] vpd(IscsiSession s, int page) throws IOException {
        byte[] head = dataIn(s, Cdb.Inquiry.vpd(page, 255), 255, String.format("INQUIRY VPD %02Xh", page));
        try {
            int need = Vpd.requiredLength(head);
            if (need > head.length) {
                return dataIn(s, Cdb.Inquiry.vpd(page, Math.min(need, 0xffff)), Math.min(need, 0xffff),
                        String.format("INQUIRY VPD %02Xh", page));
            }
        } catch (ScsiFormatException e) {
            throw new IOException(String.format("VPD page %02Xh from %s: %s", page, uri.name(), e.getMessage()), e);
        }
        return head;
    }

    private void probe(IscsiSession s) throws IOException {
        try {
            StandardInquiry inq = StandardInquiry.decode(dataIn(s, Cdb.Inquiry.standard(96), 96, "INQUIRY"));
            SupportedVpdPages pages = SupportedVpdPages.decode(vpd(s, Vpd.SUPPORTED_PAGES));
            String serial = pages.supports(Vpd.UNIT_SERIAL_NUMBER)
                    ? UnitSerialNumber.decode(vpd(s, Vpd.UNIT_SERIAL_NUMBER)).serial().strip() : "";
            if (!pages.supports(Vpd.DEVICE_IDENTIFICATION)) {
                throw new IOException(uri.name() + " has no Device Identification VPD page (83h): no WWID");
            }
            byte[] p83 = vpd(s, Vpd.DEVICE_IDENTIFICATION);
            String wwid = Wwid.fromVpd83(p83).orElseThrow(() -> new IOException(uri.name()
                    + ": VPD page 83h has no logical-unit designator usable as a WWID"));
            int tpg = DeviceIdentification.decode(p83).targetPortGroup().orElse(-1);
            readCapacity(s, false);
            if (pages.supports(Vpd.BLOCK_LIMITS)) {
                BlockLimits bl = BlockLimits.decode(vpd(s, Vpd.BLOCK_LIMITS));
                int lbs = geometry.logicalBlockSize();
                long max = bl.maxTransferLength() == 0 ? DEFAULT_MAX_TRANSFER : bl.maxTransferLength() * lbs;
                maxTransferBytes = (int) Math.max(lbs, Math.min(DEFAULT_MAX_TRANSFER, max) / lbs * lbs);
                long opt = bl.optimalTransferLength() * lbs;
                geometry = new Geometry(geometry.sizeBytes(), lbs, geometry.physicalBlockSize(),
                        (int) Math.min(Integer.MAX_VALUE, opt));
                maxUnmapBlocks = bl.maxUnmapLbaCount();
                if (bl.maxWriteSameLength() > 0) {
                    maxWriteSameBlocks = Math.min(bl.maxWriteSameLength(), 0xffff_ffffL);
                }
                unmap = bl.maxUnmapLbaCount() > 0 && bl.maxUnmapBlockDescriptorCount() > 0;
            }
            if (pages.supports(Vpd.LOGICAL_BLOCK_PROVISIONING)) {
                LogicalBlockProvisioning lbp = LogicalBlockProvisioning.decode(vpd(s, Vpd.LOGICAL_BLOCK_PROVISIONING));
                unmap &= lbp.lbpu();
                lbpws = lbp.lbpws();
                lbprz = lbp.lbprz() != 0;
            } else {
                unmap = false;
            }
            inquiry = inq;
            identity = new PathIdentity(uri.name(), wwid, inq.vendor().strip(), inq.product().strip(),
                    inq.revision().strip(), serial, tpg, uri.target());
            accessState = inq.tpgs() != 0 ? rtpg(s) : AccessState.OPTIMIZED;
        } catch (ScsiFormatException e) {
            throw new IOException(uri.name() + ": malformed SCSI data: " + e.getMessage(), e);
        }
    }

    /** READ CAPACITY(16); returns true if the size changed. */
    private boolean readCapacity(IscsiSession s, boolean emit) throws IOException, ScsiFormatException {
        ReadCapacity16Data rc = ReadCapacity16Data.decode(dataIn(s, new Cdb.ReadCapacity16(32), 32,
                "READ CAPACITY(16)"));
        long size = rc.blocks() * rc.blockLength();
        Geometry old = geometry;
        geometry = old == null
                ? new Geometry(size, (int) rc.blockLength(), (int) rc.physicalBlockLength(), 0)
                : new Geometry(size, (int) rc.blockLength(), (int) rc.physicalBlockLength(), old.optimalTransferSize());
        boolean changed = old != null && old.sizeBytes() != size;
        if (changed && emit) {
            emit(new PathEvent.CapacityChanged(size));
        }
        return changed;
    }

    /** The access state of this port's group by REPORT TARGET PORT GROUPS. */
    private AccessState rtpg(IscsiSession s) throws IOException, ScsiFormatException {
        byte[] head = dataIn(s, new Cdb.ReportTargetPortGroups(true, 1024), 1024, "REPORT TARGET PORT GROUPS");
        long need = ReportTargetPortGroupsData.requiredLength(head);
        if (need > head.length) {
            int n = (int) Math.min(need, 1 << 16);
            head = dataIn(s, new Cdb.ReportTargetPortGroups(true, n), n, "REPORT TARGET PORT GROUPS");
        }
        ReportTargetPortGroupsData d = ReportTargetPortGroupsData.decode(head);
        int tpg = identity == null ? -1 : identity.targetPortGroup();
        TargetPortGroupDescriptor g = d.group(tpg).orElse(null);
        if (g == null) {
            return d.groups().size() == 1 ? d.groups().getFirst().accessState() : AccessState.OPTIMIZED;
        }
        return g.accessState();
    }

    // ------------------------------------------------------------------ I/O

    @Override
    public void submit(IoRequest request, Consumer<IoStatus> completion) {
        IscsiSession s = session;
        if (s == null) {
            completion.accept(new IoStatus.PathError("not connected to " + uri.name()
                    + (lastLoss.isEmpty() ? "" : " (" + lastLoss + ")"), false));
            return;
        }
        int lbs = geometry.logicalBlockSize();
        if (request.offset() % lbs != 0 || request.length() % lbs != 0) {
            completion.accept(new IoStatus.TargetError(IoStatus.TargetError.Kind.ILLEGAL_REQUEST, "request at "
                    + request.offset() + " of " + request.length() + " bytes is not aligned to the logical block size "
                    + lbs + " of " + uri.name()));
            return;
        }
        switch (request) {
            case IoRequest.Read r -> {
                ByteBuffer b = r.buffer();
                if (!b.hasRemaining()) {
                    completion.accept(IoStatus.OK);
                    return;
                }
                ranged(s, r.offset(), b.remaining(), completion, (lba, blocks, off, len, done) ->
                        send(s, ScsiCommand.read(lun, Cdb.read(lba, blocks, false).encode(),
                                b.slice(b.position() + off, len)), false, done));
            }
            case IoRequest.Write w -> {
                ByteBuffer b = w.buffer();
                if (!b.hasRemaining()) {
                    completion.accept(IoStatus.OK);
                    return;
                }
                ranged(s, w.offset(), b.remaining(), completion, (lba, blocks, off, len, done) ->
                        send(s, ScsiCommand.write(lun, Cdb.write(lba, blocks, w.fua()).encode(),
                                b.slice(b.position() + off, len)), true, done));
            }
            case IoRequest.Flush f -> send(s, ScsiCommand.none(lun, Cdb.synchronizeCache(0, 0, false).encode()), false,
                    completion);
            case IoRequest.Discard d -> discard(s, d, completion);
            case IoRequest.WriteZeroes z -> writeSame(s, z.offset(), z.length(), z.mayUnmap() && lbpws && lbprz, true,
                    completion);
        }
    }

    /**
     * Discard: UNMAP when B2h says LBPU and B0h gives UNMAP limits; else WRITE SAME(16) with the
     * UNMAP bit when B2h says LBPWS; else OK without sending anything. Discard is advisory (NBD's
     * TRIM, Linux's discard: the contents afterwards are unspecified), so a unit that can
     * deallocate nothing has done all that was asked.
     */
    private void discard(IscsiSession s, IoRequest.Discard d, Consumer<IoStatus> completion) {
        int lbs = geometry.logicalBlockSize();
        if (unmap) {
            long chunk = Math.min(maxUnmapBlocks, 0xffff_ffffL) * lbs;
            long maxChunk = Math.max(lbs, Math.min(chunk, 1L << 30) / lbs * lbs);
            rangedLong(d.offset(), d.length(), maxChunk, completion, (lba, blocks, done) -> {
                byte[] list = new UnmapParameterList(List.of(new UnmapParameterList.Descriptor(lba, blocks)))
                        .encode();
                send(s, ScsiCommand.write(lun, new Cdb.Unmap(false, list.length).encode(), ByteBuffer.wrap(list)),
                        true, done);
            });
        } else if (lbpws && writeSame) {
            writeSame(s, d.offset(), d.length(), true, false, completion);
        } else {
            completion.accept(IoStatus.OK);
        }
    }

    /**
     * WRITE SAME(16) of one zero block (SBC-3 §5.42) over the range, at most B0h's MAXIMUM WRITE
     * SAME LENGTH blocks per command (65535 when it gives none). Write-zeroes sets {@code unmapBit}
     * only when the request allows deallocation and B2h says LBPWS and LBPRZ (deallocated blocks
     * read as zeros, so the range reads back as zeros either way); discard always. A unit that
     * answers ILLEGAL REQUEST with INVALID COMMAND OPERATION CODE (20h/00h) or INVALID FIELD IN CDB
     * (24h/00h) is not sent WRITE SAME again: write-zeroes falls back to zero-buffer WRITEs ({@code
     * zeroFallback}), discard to nothing (it is advisory).
     */
    private void writeSame(IscsiSession s, long offset, long length, boolean unmapBit, boolean zeroFallback,
            Consumer<IoStatus> completion) {
        int lbs = geometry.logicalBlockSize();
        if (!writeSame) {
            if (zeroFallback) {
                zeroBuffers(s, offset, length, completion);
            } else {
                completion.accept(IoStatus.OK);
            }
            return;
        }
        long chunk = Math.max(1, Math.min(maxWriteSameBlocks, (1L << 40) / lbs)) * lbs;
        rangedLong(offset, length, chunk, completion, (lba, blocks, done) -> {
            ScsiCommand c = ScsiCommand.write(lun, new Cdb.WriteSame16(lba, blocks, unmapBit, false, false).encode(),
                    ZEROES.slice(0, lbs));
            s.execute(c, r -> {
                if (refusesCommand(r)) {
                    if (writeSame) {
                        writeSame = false;
                        LOG.log(System.Logger.Level.INFO, "{0}: WRITE SAME(16) refused ({1}); zeroing by WRITE",
                                uri.name(), describeSense(((ScsiResult.Completed) r).sense()));
                    }
                    if (zeroFallback) {
                        zeroBuffers(s, lba * lbs, blocks * lbs, done);
                    } else {
                        done.accept(IoStatus.OK);
                    }
                } else {
                    done.accept(classify(r, c, true));
                }
            });
        });
    }

    /** CHECK CONDITION, ILLEGAL REQUEST, 20h/00h or 24h/00h: the unit does not do this command (or this form). */
    static boolean refusesCommand(ScsiResult r) {
        if (!(r instanceof ScsiResult.Completed c) || c.status() != ScsiStatus.CHECK_CONDITION.code()
                || c.sense().length == 0) {
            return false;
        }
        try {
            SenseData sense = SenseData.decode(c.sense());
            return sense.key() == SenseKey.ILLEGAL_REQUEST && (sense.is(0x20, 0x00) || sense.is(0x24, 0x00));
        } catch (ScsiFormatException e) {
            return false;
        }
    }

    /** Whether WRITE SAME(16) is still used for write-zeroes (false once the unit refused it; tests). */
    boolean usesWriteSame() {
        return writeSame;
    }

    private void zeroBuffers(IscsiSession s, long offset, long length, Consumer<IoStatus> completion) {
        rangedLong(offset, length, ZERO_CHUNK, completion, (lba, blocks, done) -> send(s, ScsiCommand.write(lun,
                Cdb.write(lba, blocks, false).encode(), ZEROES.slice(0, (int) (blocks * geometry.logicalBlockSize()))),
                true, done));
    }

    @FunctionalInterface
    private interface Part {
        void send(long lba, long blocks, int bufferOffset, int length, Consumer<IoStatus> done);
    }

    @FunctionalInterface
    private interface LongPart {
        void send(long lba, long blocks, Consumer<IoStatus> done);
    }

    /** Splits [offset, offset+length) at the maximum transfer size; completes when all parts have. */
    private void ranged(IscsiSession s, long offset, int length, Consumer<IoStatus> completion, Part part) {
        int lbs = geometry.logicalBlockSize();
        int max = maxTransferBytes;
        if (length <= max) {
            part.send(offset / lbs, length / lbs, 0, length, completion);
            return;
        }
        int parts = (length + max - 1) / max;
        Join join = new Join(parts, completion);
        for (int off = 0; off < length; off += max) {
            int n = Math.min(max, length - off);
            part.send((offset + off) / lbs, n / lbs, off, n, join);
        }
    }

    private void rangedLong(long offset, long length, long max, Consumer<IoStatus> completion, LongPart part) {
        int lbs = geometry.logicalBlockSize();
        long parts = (length + max - 1) / max;
        Consumer<IoStatus> done = parts == 1 ? completion : new Join((int) Math.min(parts, Integer.MAX_VALUE), completion);
        for (long off = 0; off < length; off += max) {
            long n = Math.min(max, length - off);
            part.send((offset + off) / lbs, n / lbs, done);
        }
    }

    /** Completes once {@code parts} parts have; the first failure wins. */
    private static final class Join implements Consumer<IoStatus> {
        private final AtomicInteger left;
        private final AtomicReference<IoStatus> failure = new AtomicReference<>();
        private final Consumer<IoStatus> completion;

        Join(int parts, Consumer<IoStatus> completion) {
            this.left = new AtomicInteger(parts);
            this.completion = completion;
        }

        @Override
        public void accept(IoStatus s) {
            if (!s.isOk()) {
                failure.compareAndSet(null, s);
            }
            if (left.decrementAndGet() == 0) {
                IoStatus f = failure.get();
                completion.accept(f == null ? IoStatus.OK : f);
            }
        }
    }

    private void send(IscsiSession s, ScsiCommand c, boolean modifies, Consumer<IoStatus> completion) {
        s.execute(c, r -> completion.accept(classify(r, c, modifies)));
    }

    private IoStatus classify(ScsiResult r, ScsiCommand c, boolean modifies) {
        return switch (r) {
            case ScsiResult.Failed f -> new IoStatus.PathError(f.reason(), f.mayStillExecute() && modifies);
            case ScsiResult.Completed done -> {
                if (done.status() == ScsiStatus.GOOD.code() && !done.underflow() && !done.overflow()) {
                    yield IoStatus.OK;
                }
                Classification cl = CLASSIFIER.classify(done.status(), done.sense(), 0);
                if (cl.action() != TransportAction.NONE) {
                    act(cl.action(), done.sense());
                }
                if (cl.status().isOk() && (done.underflow() || done.overflow()) && residualIsShortTransfer(c)) {
                    yield new IoStatus.TargetError(IoStatus.TargetError.Kind.OTHER, String.format(
                            "command %02Xh on %s: residual %s of %d bytes", c.cdb()[0] & 0xff, uri.name(),
                            done.underflow() ? "underflow" : "overflow", Integer.toUnsignedLong(done.residualCount())));
                }
                yield cl.status();
            }
        };
    }

    /**
     * Whether a residual on a GOOD status means the medium range was not fully transferred: for
     * READ and WRITE it does; UNMAP's data-out is a parameter list and WRITE SAME's one block,
     * not the range, so a residual there says nothing about the range (tgt 1.0.85 answers UNMAP
     * with GOOD and an underflow of the whole 24-byte list, having unmapped the range).
     */
    private static boolean residualIsShortTransfer(ScsiCommand c) {
        int opcode = c.cdb()[0] & 0xff;
        return opcode != Opcodes.UNMAP && opcode != Opcodes.WRITE_SAME_16;
    }

    /** Acts on a classifier's transport action in the background (never on the reader thread). */
    private void act(TransportAction action, byte[] sense) {
        Thread.ofVirtual().name("iscsi-action " + uri.name()).start(() -> {
            IscsiSession s = session;
            try {
                switch (action) {
                    case REFRESH_ALUA -> {
                        if (s != null && inquiry.tpgs() != 0) {
                            AccessState a = rtpg(s);
                            accessState = a;
                            emit(new PathEvent.AccessStateChanged(a));
                        }
                    }
                    case CAPACITY_CHANGED -> {
                        if (s != null) {
                            readCapacity(s, true);
                        }
                    }
                    default -> emit(new PathEvent.UnitAttention(
                            (action == TransportAction.NONE ? "" : action + ": ") + describeSense(sense)));
                }
            } catch (IOException | ScsiFormatException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: {1} failed: {2}", uri.name(), action, e.toString());
            }
        });
    }

    private static String describeSense(byte[] sense) {
        try {
            return SenseData.decode(sense).describe();
        } catch (ScsiFormatException | RuntimeException e) {
            return "unreadable sense";
        }
    }

    private void onAsync(IscsiSession s, Pdu.AsyncMessage a) {
        if (a.asyncEvent() == Pdu.AsyncEvent.SCSI_EVENT && !a.senseData().isEmpty()) {
            byte[] sense = a.senseData().toByteArray();
            Classification cl = CLASSIFIER.classify(ScsiStatus.CHECK_CONDITION.code(), sense, 0);
            LOG.log(System.Logger.Level.INFO, "{0}: asynchronous SCSI event: {1}", uri.name(), describeSense(sense));
            act(cl.action(), sense); // NONE: reported as a UnitAttention event
        }
    }

    // ------------------------------------------------------------------ checker

    @Override
    public CompletionStage<CheckResult> check() {
        IscsiSession s = session;
        if (s == null || !s.isUsable()) {
            return CompletableFuture.completedFuture(CheckResult.faulty("not connected to " + uri.name()
                    + (lastLoss.isEmpty() ? "" : ": " + lastLoss)));
        }
        CompletableFuture<CheckResult> f = new CompletableFuture<>();
        Thread.ofVirtual().name("iscsi-check " + uri.name()).start(() -> f.complete(checkNow(s)));
        return f;
    }

    private CheckResult checkNow(IscsiSession s) {
        try {
            try {
                run(s, ScsiCommand.none(lun, new Cdb.TestUnitReady().encode()), "TEST UNIT READY");
            } catch (ScsiCommandException e) {
                SenseData sense = null;
                try {
                    sense = e.result.sense().length > 0 ? SenseData.decode(e.result.sense()) : null;
                } catch (ScsiFormatException ignored) {
                    // unreadable: faulty below
                }
                if (sense != null && sense.key() == SenseKey.NOT_READY && sense.asc() == 0x04
                        && (sense.ascq() == 0x0A || sense.ascq() == 0x0B || sense.ascq() == 0x0C)) {
                    AccessState a = sense.ascq() == 0x0A ? AccessState.TRANSITIONING
                            : sense.ascq() == 0x0B ? AccessState.STANDBY : AccessState.UNAVAILABLE;
                    accessState = a;
                    return new CheckResult(CheckerState.GHOST, a, e.getMessage());
                }
                // the target answered: a medium or unit problem is the same on every path
                return new CheckResult(CheckerState.READY, accessState, "TEST UNIT READY: " + e.getMessage());
            }
            if (inquiry.tpgs() != 0) {
                AccessState a = rtpg(s);
                if (a != accessState) {
                    accessState = a;
                }
                return new CheckResult(a.acceptsIo() ? CheckerState.READY : CheckerState.GHOST, a, "ok");
            }
            return CheckResult.ready(accessState);
        } catch (IOException | ScsiFormatException | RuntimeException e) {
            return CheckResult.faulty(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    // ------------------------------------------------------------------ fencing

    @Override
    public CompletionStage<Void> fence() {
        CompletableFuture<Void> f;
        long sinceTeardown;
        synchronized (lock) {
            if (teardowns.get() == 0 || loginsAfterTeardown == teardowns.get() && session != null) {
                return CompletableFuture.completedFuture(null);
            }
            f = reinstated.get();
            if (f == null || f.isDone()) {
                f = new CompletableFuture<>();
                reinstated.set(f);
            }
            sinceTeardown = System.nanoTime() - lastTeardownNanos;
        }
        startReconnect();
        startSiblingFence(f);
        long delay = options.fencingDelay().toNanos() - sinceTeardown;
        CompletableFuture<Void> waited = delay <= 0 ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS));
        return CompletableFuture.anyOf(f.copy(), waited).thenApply(x -> (Void) null)
                .orTimeout(options.fenceTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new IOException("cannot fence "
                        + uri.name() + ": no session reinstatement (login with ISID " + Long.toHexString(isid)
                        + ") within " + options.fenceTimeout().toMillis() + " ms"
                        + (lastLoss.isEmpty() ? "" : "; " + lastLoss), e)));
    }

    /**
     * Other portals of the same target and target portal group (same I_T nexus rules, RFC 7143
     * §4.4: the session is identified by initiator name, ISID, target name and portal group), through
     * which {@link #fence()} may reinstate this path's session when this path's own portal is gone:
     * a login there with our ISID and TSIH 0 ends the old session and its tasks, and the fencing
     * session is logged out at once.
     */
    public void setFencePortals(List<IscsiUri> siblings) {
        fencePortals = List.copyOf(siblings);
    }

    private void startSiblingFence(CompletableFuture<Void> f) {
        List<IscsiUri> via = fencePortals;
        if (via.isEmpty()) {
            return;
        }
        synchronized (lock) {
            if (fencer != null || closed) {
                return;
            }
            fencer = Thread.ofVirtual().name("iscsi-fence " + uri.name()).start(() -> {
                long deadline = System.nanoTime() + options.fenceTimeout().toNanos();
                try {
                    while (!f.isDone() && !closed && System.nanoTime() < deadline) {
                        for (IscsiUri sibling : via) {
                            loginLock.lockInterruptibly();
                            try {
                                if (f.isDone() || closed) {
                                    return; // reinstated through our own portal meanwhile
                                }
                                IscsiSession s = IscsiSession.open(sibling, options, isid, x -> {}, null);
                                s.close(); // the old session is gone; this one was only the means
                                LOG.log(System.Logger.Level.INFO, "{0}: old session reinstated and closed through {1}",
                                        uri.name(), sibling.name());
                                f.complete(null);
                                return;
                            } catch (IOException e) {
                                LOG.log(System.Logger.Level.DEBUG, "{0}: fence through {1} failed: {2}", uri.name(),
                                        sibling.name(), e.getMessage());
                            } finally {
                                loginLock.unlock();
                            }
                        }
                        Thread.sleep(200);
                    }
                } catch (InterruptedException e) {
                    // closed
                } finally {
                    synchronized (lock) {
                        fencer = null;
                    }
                }
            });
        }
    }

    // ------------------------------------------------------------------ life cycle

    @Override
    public void setEventListener(Consumer<PathEvent> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Tears the current session down as a failure would (tests, administrative reset). */
    public void abortSession(String reason) {
        IscsiSession s = session;
        if (s != null) {
            s.abort(reason);
        }
    }

    @Override
    public void close() {
        IscsiSession s;
        Thread r;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
            session = null;
            r = reconnector;
            reconnector = null;
            CompletableFuture<Void> f = reinstated.get();
            if (f != null) {
                f.completeExceptionally(new IOException(uri.name() + " closed"));
            }
        }
        if (r != null) {
            r.interrupt();
        }
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "IscsiPath[" + uri.name() + ", " + (isConnected() ? "connected" : "disconnected") + "]";
    }

    private void onTornDown(IscsiSession s) {
        boolean lost;
        synchronized (lock) {
            lastTeardownNanos = s.closedAtNanos();
            teardowns.incrementAndGet();
            lost = session == s;
            if (lost) {
                session = null;
                lastLoss = s.closeReason();
            }
        }
        if (lost && !closed) {
            emit(new PathEvent.ConnectionLost(s.closeReason()));
            startReconnect();
        }
    }

    private void startReconnect() {
        synchronized (lock) {
            if (closed || reconnector != null || session != null) {
                return;
            }
            reconnector = Thread.ofVirtual().name("iscsi-reconnect " + uri.name()).start(this::reconnectLoop);
        }
    }

    private void reconnectLoop() {
        long delay = options.reconnectInitial().toNanos();
        long max = options.reconnectMax().toNanos();
        try {
            while (!closed) {
                TimeUnit.NANOSECONDS.sleep(delay);
                if (closed) {
                    return;
                }
                int seen = teardowns.get();
                IscsiSession s;
                loginLock.lockInterruptibly();
                try {
                    // same ISID, TSIH 0: reinstates the old session if the target still has it (§6.3.5)
                    s = IscsiSession.open(uri, options, isid, this::onTornDown, this::onAsync);
                } catch (IOException e) {
                    loginLock.unlock();
                    lastLoss = "reconnect failed: " + e.getMessage();
                    delay = Math.min(delay * 2, max);
                    continue;
                }
                try {
                    if (!finishReconnect(s, seen)) {
                        delay = Math.min(delay * 2, max);
                        continue;
                    }
                    return;
                } finally {
                    loginLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            synchronized (lock) {
                if (reconnector == Thread.currentThread()) {
                    reconnector = null;
                }
            }
        }
    }

    /** Probes and publishes a fresh session; false (session closed) if it cannot be used. */
    private boolean finishReconnect(IscsiSession s, int seen) {
        long oldSize = geometry.sizeBytes();
        String oldWwid = identity.wwid();
        try {
            probe(s);
        } catch (IOException | RuntimeException e) {
            lastLoss = "reconnect: " + e.getMessage();
            s.abort("probe after reconnect failed: " + e.getMessage());
            return false;
        }
        if (!identity.wwid().equals(oldWwid)) {
            LOG.log(System.Logger.Level.ERROR, "{0}: WWID changed from {1} to {2}: not reinstating this path",
                    uri.name(), oldWwid, identity.wwid());
            s.close();
            identity = new PathIdentity(identity.name(), oldWwid, identity.vendor(), identity.product(),
                    identity.revision(), identity.serial(), identity.targetPortGroup(),
                    identity.targetNodeName());
            lastLoss = "WWID changed";
            return false;
        }
        CompletableFuture<Void> f;
        synchronized (lock) {
            if (closed) {
                s.close();
                return true;
            }
            if (s.isTornDown()) {
                return false;
            }
            session = s;
            loginsAfterTeardown = seen;
            lastLoss = "";
            reconnector = null;
            f = reinstated.get();
        }
        LOG.log(System.Logger.Level.INFO, "{0}: logged in again (session reinstated, TSIH {1})", uri.name(),
                Integer.toString(s.tsih()));
        if (f != null) {
            f.complete(null);
        }
        if (geometry.sizeBytes() != oldSize) {
            emit(new PathEvent.CapacityChanged(geometry.sizeBytes()));
        }
        emit(new PathEvent.ConnectionRestored());
        return true;
    }

    private void emit(PathEvent e) {
        try {
            listener.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "path event listener failed on " + e, ex);
        }
    }
}
