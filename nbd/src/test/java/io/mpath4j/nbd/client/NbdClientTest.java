package io.mpath4j.nbd.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.nbd.protocol.CommandFlag;
import io.mpath4j.nbd.protocol.CommandType;
import io.mpath4j.nbd.protocol.InfoItem;
import io.mpath4j.nbd.protocol.NbdError;
import io.mpath4j.nbd.protocol.Request;
import io.mpath4j.nbd.protocol.TransmissionFlag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client against {@link FakeNbdServer}: scripted replies, errors, silence and hang-ups. */
class NbdClientTest {

    private static final NbdClientOptions FAST = NbdClientOptions.DEFAULT
            .withConnectTimeout(Duration.ofSeconds(2))
            .withRequestTimeout(Duration.ofMillis(300))
            .withFencingDelay(Duration.ofMillis(200))
            .withReconnect(Duration.ofMillis(20), Duration.ofMillis(100));

    private final List<AutoCloseable> closers = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closers.reversed()) {
            c.close();
        }
    }

    private FakeNbdServer server(int size) throws IOException {
        FakeNbdServer s = new FakeNbdServer(size);
        closers.add(s);
        return s;
    }

    private NbdConnection open(FakeNbdServer s, NbdClientOptions o) throws IOException {
        NbdConnection c = NbdConnection.open(s.uri(), o, x -> {});
        closers.add(c::close);
        return c;
    }

    private NbdPath path(FakeNbdServer s, NbdClientOptions o) throws IOException {
        NbdPath p = NbdPath.connect(s.uri(), "wwid-1", o);
        closers.add(p);
        return p;
    }

    private static IoStatus run(NbdConnection c, IoRequest r) throws Exception {
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        c.submit(r, f::complete);
        return f.get(5, TimeUnit.SECONDS);
    }

    private static CompletableFuture<IoStatus> start(NbdConnection c, IoRequest r) {
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        c.submit(r, f::complete);
        return f;
    }

    private static byte[] filled(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void goRecordsSizeFlagsAndBlockSizes() throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.blockSize = new InfoItem.BlockSize(512, 4096, 65536);
        NbdConnection c = open(s, FAST);
        assertThat(c.export().size()).isEqualTo(1 << 20);
        assertThat(c.export().blockSizeSent()).isTrue();
        assertThat(c.export().has(TransmissionFlag.SEND_FLUSH)).isTrue();
        assertThat(c.export().geometry().logicalBlockSize()).isEqualTo(512);
        assertThat(c.export().geometry().physicalBlockSize()).isEqualTo(4096);
        assertThat(c.export().geometry().optimalTransferSize()).isEqualTo(65536);
    }

    @Test
    void fallsBackToExportNameWhenGoIsUnsupported() throws Exception {
        FakeNbdServer s = server(8192);
        s.supportGo = false;
        NbdConnection c = open(s, FAST);
        assertThat(c.export().size()).isEqualTo(8192);
        assertThat(c.export().blockSizeSent()).isFalse();
        assertThat(c.export().maxRequest()).isEqualTo(32 << 20);
        byte[] data = filled(4096, 1);
        assertThat(run(c, new IoRequest.Write(4096, ByteBuffer.wrap(data), false))).isEqualTo(IoStatus.OK);
        ByteBuffer back = ByteBuffer.allocate(4096);
        assertThat(run(c, new IoRequest.Read(4096, back))).isEqualTo(IoStatus.OK);
        assertThat(back.array()).isEqualTo(data);
    }

    @Test
    void connectFailureSaysWhere() throws Exception {
        int port;
        try (FakeNbdServer s = new FakeNbdServer(1)) {
            port = s.port();
        }
        assertThatThrownBy(() -> NbdConnection.open(new NbdUri("127.0.0.1", port, "x"), FAST, c -> {}))
                .isInstanceOf(IOException.class);
    }

    @Test
    void repliesOutOfOrderLandInTheirOwnBuffersWithoutMovingThem() throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.manual = true;
        NbdConnection c = open(s, FAST);
        List<ByteBuffer> buffers = new ArrayList<>();
        List<CompletableFuture<IoStatus>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ByteBuffer b = ByteBuffer.allocate(100).position(10).limit(90); // 80 bytes at 10..90
            buffers.add(b);
            futures.add(start(c, new IoRequest.Read(i * 4096L, b)));
        }
        List<FakeNbdServer.Received> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            got.add(s.next());
        }
        for (int i = 2; i >= 0; i--) { // answer in reverse
            FakeNbdServer.Received r = got.get(i);
            r.read(filled((int) r.request().length(), (int) (r.request().offset() / 4096)));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(futures.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
            ByteBuffer b = buffers.get(i);
            assertThat(b.position()).isEqualTo(10);
            assertThat(b.limit()).isEqualTo(90);
            assertThat(Arrays.copyOfRange(b.array(), 10, 90)).isEqualTo(filled(80, i));
            assertThat(b.array()[9]).isZero();
            assertThat(b.array()[90]).isZero();
        }
        assertThat(got.stream().map(r -> r.request().handle()).distinct().count()).isEqualTo(3);
    }

    @Test
    void requestsOverTheMaximumBlockSizeAreSplitAndReassembled() throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.blockSize = new InfoItem.BlockSize(512, 4096, 65536);
        NbdConnection c = open(s, FAST);
        byte[] data = filled(200 * 1024, 7);
        assertThat(run(c, new IoRequest.Write(8192, ByteBuffer.wrap(data), false))).isEqualTo(IoStatus.OK);
        List<Request> writes = s.log.stream().filter(r -> r.command().orElseThrow() == CommandType.WRITE).toList();
        assertThat(writes).extracting(Request::length).containsExactly(65536L, 65536L, 65536L, 8192L);
        assertThat(writes).extracting(Request::offset).containsExactly(8192L, 73728L, 139264L, 204800L);
        ByteBuffer back = ByteBuffer.allocate(data.length);
        assertThat(run(c, new IoRequest.Read(8192, back))).isEqualTo(IoStatus.OK);
        assertThat(back.array()).isEqualTo(data);
        assertThat(back.position()).isZero();
    }

    @Test
    void aFailedPartFailsTheWholeRequest() throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.blockSize = new InfoItem.BlockSize(512, 4096, 4096);
        s.manual = true;
        NbdConnection c = open(s, FAST);
        CompletableFuture<IoStatus> f = start(c, new IoRequest.Read(0, ByteBuffer.allocate(3 * 4096)));
        s.next().read(new byte[4096]);
        s.next().error(NbdError.EIO);
        assertThat(f).isNotDone();
        s.next().read(new byte[4096]);
        assertThat(f.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(IoStatus.TargetError.class,
                e -> assertThat(e.kind()).isEqualTo(IoStatus.TargetError.Kind.MEDIUM_ERROR));
    }

    @ParameterizedTest(name = "{0} on a write")
    @CsvSource({
        "EIO, TargetError, MEDIUM_ERROR",
        "EPERM, TargetError, NOT_PERMITTED",
        "ENOSPC, TargetError, NO_SPACE",
        "EINVAL, TargetError, ILLEGAL_REQUEST",
        "EOVERFLOW, TargetError, ILLEGAL_REQUEST",
        "ENOTSUP, TargetError, ILLEGAL_REQUEST",
        "ENOMEM, RetryLater, ''",
        "ESHUTDOWN, PathError, ''",
    })
    void serverErrorsAreClassified(NbdError error, String status, String kind) throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.manual = true;
        NbdConnection c = open(s, FAST);
        CompletableFuture<IoStatus> f = start(c, new IoRequest.Write(0, ByteBuffer.allocate(512), false));
        s.next().error(error);
        IoStatus st = f.get(5, TimeUnit.SECONDS);
        assertThat(st.getClass().getSimpleName()).isEqualTo(status);
        assertThat(((IoStatus.Failure) st).describe()).contains("NBD_" + error.name());
        switch (st) {
            case IoStatus.TargetError t -> assertThat(t.kind().name()).isEqualTo(kind);
            case IoStatus.PathError p -> assertThat(p.mayStillExecute()).as("the server refused it").isFalse();
            case IoStatus.RetryLater r -> assertThat(r.delay()).isPositive();
            default -> throw new AssertionError(st);
        }
    }

    @Test
    void anUnknownErrorValueCountsAsEinval() throws Exception {
        FakeNbdServer s = server(4096);
        s.manual = true;
        NbdConnection c = open(s, FAST);
        CompletableFuture<IoStatus> f = start(c, new IoRequest.Read(0, ByteBuffer.allocate(512)));
        FakeNbdServer.Received r = s.next();
        r.conn().reply(new io.mpath4j.nbd.protocol.SimpleReply(r.request().handle(), 9999, null));
        assertThat(f.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(IoStatus.TargetError.class,
                e -> assertThat(e.kind()).isEqualTo(IoStatus.TargetError.Kind.ILLEGAL_REQUEST));
    }

    @Test
    void aServerThatStopsAnsweringTimesOutTearsDownAndFailsEverything() throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.manual = true;
        AtomicInteger tornDown = new AtomicInteger();
        NbdConnection c = NbdConnection.open(s.uri(), FAST, x -> tornDown.incrementAndGet());
        closers.add(c::close);
        ByteBuffer readBuf = ByteBuffer.allocate(4096);
        CompletableFuture<IoStatus> read = start(c, new IoRequest.Read(0, readBuf));
        CompletableFuture<IoStatus> write = start(c, new IoRequest.Write(0, ByteBuffer.allocate(4096), false));
        s.next();
        s.next(); // received, never answered
        long t0 = System.nanoTime();
        IoStatus w = write.get(5, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(w).isInstanceOfSatisfying(IoStatus.PathError.class, e -> {
            assertThat(e.mayStillExecute()).isTrue();
            assertThat(e.reason()).contains("timed out");
        });
        assertThat(read.get(5, TimeUnit.SECONDS)).isInstanceOf(IoStatus.PathError.class);
        assertThat(ms).isLessThan(2000);
        assertThat(c.isTornDown()).isTrue();
        assertThat(tornDown).hasValue(1);
        assertThat(run(c, new IoRequest.Read(0, ByteBuffer.allocate(512))))
                .isInstanceOfSatisfying(IoStatus.PathError.class, e -> assertThat(e.mayStillExecute()).isFalse());
    }

    @Test
    void submissionsBeyondMaxInFlightWaitInTheQueue() throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.manual = true;
        NbdConnection c = open(s, FAST.withMaxInFlight(2).withRequestTimeout(Duration.ofSeconds(5)));
        List<CompletableFuture<IoStatus>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fs.add(start(c, new IoRequest.Read(i * 512L, ByteBuffer.allocate(512))));
        }
        FakeNbdServer.Received a = s.next();
        FakeNbdServer.Received b = s.next();
        assertThat(s.received.poll(200, TimeUnit.MILLISECONDS)).as("only 2 in flight").isNull();
        a.read(new byte[512]);
        FakeNbdServer.Received third = s.next();
        b.read(new byte[512]);
        third.read(new byte[512]);
        s.next().read(new byte[512]);
        s.next().read(new byte[512]);
        for (var f : fs) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
        }
    }

    @Test
    void optionalCommandsFollowTheAdvertisedFlags() throws Exception {
        FakeNbdServer s = server(4 << 20);
        s.transmissionFlags = TransmissionFlag.HAS_FLAGS.mask();
        NbdConnection c = open(s, FAST);
        Arrays.fill(s.disk, (byte) 0x55);
        assertThat(run(c, IoRequest.Flush.INSTANCE)).isEqualTo(IoStatus.OK);
        assertThat(run(c, new IoRequest.Discard(0, 4096))).isEqualTo(IoStatus.OK);
        assertThat(run(c, new IoRequest.Write(0, ByteBuffer.allocate(512), true))).isEqualTo(IoStatus.OK);
        assertThat(run(c, new IoRequest.WriteZeroes(4096, 3 << 20, true))).isEqualTo(IoStatus.OK);
        List<Request> sent = List.copyOf(s.log);
        assertThat(sent).allSatisfy(r -> assertThat(r.command().orElseThrow()).isEqualTo(CommandType.WRITE));
        assertThat(sent).hasSize(1 + 3); // the FUA write without the flag, and 3 x 1 MiB of zeroes
        assertThat(sent.getFirst().has(CommandFlag.FUA)).isFalse();
        assertThat(Arrays.copyOfRange(s.disk, 4096, 4096 + (3 << 20))).containsOnly((byte) 0);
        assertThat(s.disk[4096 + (3 << 20)]).isEqualTo((byte) 0x55);
    }

    @Test
    void fuaIsNativeOrEmulatedByAFlush() throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.transmissionFlags = TransmissionFlag.maskOf(TransmissionFlag.HAS_FLAGS, TransmissionFlag.SEND_FLUSH,
                TransmissionFlag.SEND_WRITE_ZEROES, TransmissionFlag.SEND_TRIM);
        NbdConnection c = open(s, FAST);
        assertThat(run(c, new IoRequest.Write(0, ByteBuffer.allocate(512), true))).isEqualTo(IoStatus.OK);
        assertThat(run(c, new IoRequest.WriteZeroes(0, 512, false))).isEqualTo(IoStatus.OK);
        assertThat(run(c, new IoRequest.Discard(0, 512))).isEqualTo(IoStatus.OK);
        assertThat(s.log).extracting(r -> r.command().orElseThrow())
                .containsExactly(CommandType.WRITE, CommandType.FLUSH, CommandType.WRITE_ZEROES, CommandType.TRIM);
        assertThat(s.log.get(2).has(CommandFlag.NO_HOLE)).isTrue();

        FakeNbdServer s2 = server(1 << 20);
        NbdConnection c2 = open(s2, FAST);
        assertThat(run(c2, new IoRequest.Write(0, ByteBuffer.allocate(512), true))).isEqualTo(IoStatus.OK);
        assertThat(s2.log).singleElement().satisfies(r -> assertThat(r.has(CommandFlag.FUA)).isTrue());
    }

    @Test
    void aReadOnlyExportRefusesChangesWithoutSendingThem() throws Exception {
        FakeNbdServer s = server(4096);
        s.transmissionFlags |= TransmissionFlag.READ_ONLY.mask();
        NbdConnection c = open(s, FAST);
        assertThat(run(c, new IoRequest.Write(0, ByteBuffer.allocate(512), false)))
                .isInstanceOfSatisfying(IoStatus.TargetError.class,
                        e -> assertThat(e.kind()).isEqualTo(IoStatus.TargetError.Kind.WRITE_PROTECTED));
        assertThat(run(c, new IoRequest.Read(0, ByteBuffer.allocate(512)))).isEqualTo(IoStatus.OK);
        assertThat(s.log).hasSize(1);
    }

    @Test
    void eshutdownDrainsThenDisconnectsAndThePathReportsTheLoss() throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.manual = true;
        NbdPath p = path(s, FAST.withReconnect(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        BlockingQueue<PathEvent> events = new LinkedBlockingQueue<>();
        p.setEventListener(events::add);
        CompletableFuture<IoStatus> a = new CompletableFuture<>();
        CompletableFuture<IoStatus> b = new CompletableFuture<>();
        p.submit(new IoRequest.Read(0, ByteBuffer.allocate(512)), a::complete);
        p.submit(new IoRequest.Read(512, ByteBuffer.allocate(512)), b::complete);
        FakeNbdServer.Received ra = s.next();
        FakeNbdServer.Received rb = s.next();
        ra.error(NbdError.ESHUTDOWN);
        assertThat(a.get(5, TimeUnit.SECONDS)).isInstanceOf(IoStatus.PathError.class);
        CompletableFuture<IoStatus> c = new CompletableFuture<>();
        p.submit(new IoRequest.Read(0, ByteBuffer.allocate(512)), c::complete);
        assertThat(c.get(5, TimeUnit.SECONDS)).as("no new requests while draining")
                .isInstanceOfSatisfying(IoStatus.PathError.class, e -> assertThat(e.mayStillExecute()).isFalse());
        assertThat(p.check().toCompletableFuture().get(5, TimeUnit.SECONDS).state()).isEqualTo(CheckerState.FAULTY);
        rb.read(new byte[512]);
        assertThat(b.get(5, TimeUnit.SECONDS)).as("outstanding ones still complete").isEqualTo(IoStatus.OK);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(PathEvent.ConnectionLost.class,
                l -> assertThat(l.reason()).contains("shutting down"));
        // The loss is reported when the drain ends; NBD_CMD_DISC may reach the fake server a moment later.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (s.log.getLast().command().orElse(null) != CommandType.DISC && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(s.log.getLast().command()).contains(CommandType.DISC);
    }

    @Test
    void aHangUpFailsOutstandingIoReportsTheLossReconnectsAndFencesAfterTheDelay() throws Exception {
        FakeNbdServer s = server(1 << 20);
        s.manual = true;
        NbdPath p = path(s, FAST);
        BlockingQueue<PathEvent> events = new LinkedBlockingQueue<>();
        p.setEventListener(events::add);
        assertThat(p.fence().toCompletableFuture()).as("never torn down: nothing to wait for").isDone();
        assertThat(p.identity().name()).isEqualTo(s.uri().toString());
        assertThat(p.identity().vendor()).isEqualTo("NBD");
        assertThat(p.identity().targetNodeName()).isEqualTo("127.0.0.1:" + s.port());

        CompletableFuture<IoStatus> w = new CompletableFuture<>();
        p.submit(new IoRequest.Write(0, ByteBuffer.allocate(4096), false), w::complete);
        s.next();
        s.manual = false;
        s.size = 2 << 20; // the next handshake finds another size
        s.dropConnections();
        assertThat(w.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(IoStatus.PathError.class,
                e -> assertThat(e.mayStillExecute()).isTrue());
        long lost = System.nanoTime();
        CompletableFuture<Void> fence = p.fence().toCompletableFuture();
        assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(PathEvent.ConnectionLost.class);
        fence.get(5, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lost)).isGreaterThanOrEqualTo(150);

        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(new PathEvent.CapacityChanged(2 << 20));
        assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(PathEvent.ConnectionRestored.class);
        assertThat(p.geometry().sizeBytes()).isEqualTo(2 << 20);
        CheckResult r = p.check().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(r.state()).isEqualTo(CheckerState.READY);
        assertThat(p.fence().toCompletableFuture()).as("delay already past").isDone();
    }

    @Test
    void whileDisconnectedSubmitFailsAtOnceAndTheCheckIsFaulty() throws Exception {
        FakeNbdServer s = server(1 << 20);
        NbdPath p = path(s, FAST);
        BlockingQueue<PathEvent> events = new LinkedBlockingQueue<>();
        p.setEventListener(events::add);
        s.close(); // no listener any more: reconnects fail
        assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(PathEvent.ConnectionLost.class);
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        p.submit(new IoRequest.Read(0, ByteBuffer.allocate(512)), f::complete);
        assertThat(f).isCompletedWithValueMatching(st -> st instanceof IoStatus.PathError e && !e.mayStillExecute());
        assertThat(p.check().toCompletableFuture().get(1, TimeUnit.SECONDS).state()).isEqualTo(CheckerState.FAULTY);
        assertThat(p.accessState()).isEqualTo(io.mpath4j.core.path.AccessState.OFFLINE);
        p.close();
        assertThat(events.poll(300, TimeUnit.MILLISECONDS)).as("no events after close").isNull();
    }

    @Test
    void aSecondConnectionToTheSameExportNeedsCanMultiConn() throws Exception {
        FakeNbdServer single = server(1 << 20);
        NbdPaths.Result r = NbdPaths.connect(List.of(single.uri(), single.uri()), "w", FAST);
        r.paths().forEach(closers::add);
        assertThat(r.paths()).hasSize(1);
        assertThat(r.warnings()).singleElement().asString().contains("CAN_MULTI_CONN");

        FakeNbdServer multi = server(1 << 20);
        multi.transmissionFlags |= TransmissionFlag.CAN_MULTI_CONN.mask();
        int port;
        try (FakeNbdServer gone = new FakeNbdServer(1)) {
            port = gone.port();
        }
        NbdPaths.Result m = NbdPaths.connect(List.of(multi.uri(), multi.uri(), new NbdUri("127.0.0.1", port, "x")),
                "w", FAST);
        m.paths().forEach(closers::add);
        assertThat(m.paths()).extracting(x -> x.identity().name())
                .containsExactly(multi.uri().toString(), multi.uri() + "#2");
        assertThat(m.warnings()).singleElement().asString().contains("cannot connect");
    }
}
