package io.mpath4j.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.nbd.protocol.ClientFlag;
import io.mpath4j.nbd.protocol.ClientFlags;
import io.mpath4j.nbd.protocol.ClientOption;
import io.mpath4j.nbd.protocol.CommandFlag;
import io.mpath4j.nbd.protocol.ExportNameReply;
import io.mpath4j.nbd.protocol.InfoItem;
import io.mpath4j.nbd.protocol.InfoType;
import io.mpath4j.nbd.protocol.NbdEncoder;
import io.mpath4j.nbd.protocol.NbdError;
import io.mpath4j.nbd.protocol.NbdLimits;
import io.mpath4j.nbd.protocol.OptionReply;
import io.mpath4j.nbd.protocol.OptionReplyType;
import io.mpath4j.nbd.protocol.Reply;
import io.mpath4j.nbd.protocol.ReplyChunk;
import io.mpath4j.nbd.protocol.Request;
import io.mpath4j.nbd.protocol.SimpleReply;
import io.mpath4j.nbd.protocol.TransmissionFlag;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NbdServerTest {

    static final int SIZE = 1 << 20;
    final MemoryBlockDevice disk = new MemoryBlockDevice(SIZE, 512);
    final MemoryBlockDevice ro = new MemoryBlockDevice(64 * 1024, 4096);
    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    NbdServer start(NbdServer.Builder b) throws IOException {
        NbdServer s = b.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start();
        closeables.add(s);
        return s;
    }

    NbdServer standard() throws IOException {
        return start(NbdServer.builder()
                .export(new NbdExport("disk", "the test disk", disk, false))
                .export(new NbdExport("ro", "", ro, true))
                .defaultExport("disk"));
    }

    ControlledDevice controlled(long size) {
        ControlledDevice d = new ControlledDevice(size);
        closeables.add(d);
        return d;
    }

    TestClient client(NbdServer s) throws IOException {
        TestClient c = TestClient.connect(s);
        closeables.add(c);
        return c;
    }

    TestClient go(NbdServer s, String export, boolean structured) throws IOException {
        TestClient c = client(s);
        if (structured) {
            assertThat(c.haggle(new ClientOption.StructuredReply()).getLast()).isInstanceOf(OptionReply.Ack.class);
        }
        assertThat(c.haggle(new ClientOption.Go(export)).getLast()).isInstanceOf(OptionReply.Ack.class);
        return c;
    }

    static int flags(OptionReply r) {
        return ((InfoItem.Export) ((OptionReply.Info) r).item()).transmissionFlags();
    }

    // ------------------------------------------------------------------ handshake

    @Test
    void greetingOffersFixedNewstyleAndNoZeroes() throws IOException {
        TestClient c = client(standard());
        assertThat(c.greeting.handshakeFlags()).isEqualTo(3);
    }

    @Test
    void goReportsSizeFlagsNameDescriptionAndBlockSizes() throws IOException {
        TestClient c = client(standard());
        List<OptionReply> r = c.haggle(new ClientOption.Go("disk", InfoType.NAME, InfoType.DESCRIPTION, InfoType.BLOCK_SIZE));
        List<InfoItem> items = r.stream().filter(x -> x instanceof OptionReply.Info).map(x -> ((OptionReply.Info) x).item()).toList();
        assertThat(r.getLast()).isInstanceOf(OptionReply.Ack.class);
        InfoItem.Export e = (InfoItem.Export) items.getFirst();
        assertThat(e.size()).isEqualTo(SIZE);
        assertThat(e.has(TransmissionFlag.HAS_FLAGS)).isTrue();
        assertThat(e.has(TransmissionFlag.SEND_FLUSH)).isTrue();
        assertThat(e.has(TransmissionFlag.SEND_FUA)).isTrue();
        assertThat(e.has(TransmissionFlag.SEND_TRIM)).isTrue();
        assertThat(e.has(TransmissionFlag.SEND_WRITE_ZEROES)).isTrue();
        assertThat(e.has(TransmissionFlag.CAN_MULTI_CONN)).isTrue();
        assertThat(e.has(TransmissionFlag.READ_ONLY)).isFalse();
        assertThat(e.has(TransmissionFlag.SEND_FAST_ZERO)).isFalse();
        assertThat(items).contains(new InfoItem.Name("disk"), new InfoItem.Description("the test disk"),
                new InfoItem.BlockSize(512, 4096, 32 * 1024 * 1024));
        // and transmission works
        c.request(Request.read(1, 0, 512));
        assertThat(((SimpleReply) c.reply()).isOk()).isTrue();
    }

    @Test
    void infoDoesNotEndNegotiationAndReadOnlyIsAdvertised() throws IOException {
        TestClient c = client(standard());
        List<OptionReply> r = c.haggle(new ClientOption.Info("ro"));
        assertThat(flags(r.getFirst()) & TransmissionFlag.READ_ONLY.mask()).isNotZero();
        assertThat(r).anyMatch(x -> x instanceof OptionReply.Info i && i.item().equals(new InfoItem.BlockSize(4096, 4096, 32 * 1024 * 1024)));
        // the name was not asked for, so it is not sent
        assertThat(r).noneMatch(x -> x instanceof OptionReply.Info i && i.item() instanceof InfoItem.Name);
        assertThat(c.haggle(new ClientOption.Go("disk")).getLast()).isInstanceOf(OptionReply.Ack.class);
    }

    @Test
    void emptyNameSelectsTheDefaultExport() throws IOException {
        TestClient c = client(standard());
        List<OptionReply> r = c.haggle(new ClientOption.Go("", InfoType.NAME));
        assertThat(r).anyMatch(x -> x instanceof OptionReply.Info i && i.item().equals(new InfoItem.Name("disk")));
    }

    @Test
    void exportNameWithNoZeroesAndWithout() throws IOException {
        NbdServer s = standard();
        TestClient c = client(s);
        ExportNameReply e = c.exportName("disk");
        assertThat(e.size()).isEqualTo(SIZE);
        assertThat(e.has(TransmissionFlag.CAN_MULTI_CONN)).isTrue();
        c.request(Request.write(7, 512, new byte[512]));
        assertThat(((SimpleReply) c.reply()).isOk()).isTrue();

        // a client that does not set NO_ZEROES gets the 124 zero bytes
        TestClient old = new TestClient(s.localAddress());
        closeables.add(old);
        old.next(new io.mpath4j.nbd.protocol.NbdClientDecoder()::decodeGreeting);
        old.send(NbdEncoder.encode(new ClientFlags(ClientFlag.FIXED_NEWSTYLE.mask())));
        old.option(new ClientOption.ExportName("ro"));
        ExportNameReply padded = old.next(b -> new io.mpath4j.nbd.protocol.NbdClientDecoder().decodeExportNameReply(b, false));
        assertThat(padded.size()).isEqualTo(64 * 1024);
        old.request(Request.read(1, 0, 4096));
        assertThat(((SimpleReply) old.reply()).dataLength()).isEqualTo(4096);
    }

    @Test
    void listSendsOneServerReplyPerExportThenAck() throws IOException {
        TestClient c = client(standard());
        List<OptionReply> r = c.haggle(new ClientOption.ListExports());
        assertThat(r).containsExactly(new OptionReply.Server(3, "disk", "the test disk"), new OptionReply.Server(3, "ro", ""),
                new OptionReply.Ack(3));
    }

    @Test
    void unknownExportUnknownOptionAndInvalidDataGetErrorsAndNegotiationGoesOn() throws IOException {
        TestClient c = client(standard());
        assertThat(c.haggle(new ClientOption.Go("nope")).getLast())
                .matches(x -> x instanceof OptionReply.ErrorReply e && e.type() == OptionReplyType.ERR_UNKNOWN.code());
        assertThat(c.haggle(new ClientOption.Unknown(10, new byte[] {1, 2})).getLast())
                .matches(x -> x instanceof OptionReply.ErrorReply e && e.type() == OptionReplyType.ERR_UNSUP.code());
        // NBD_OPT_LIST with data is malformed
        c.send(ByteBuffer.allocate(20).putLong(0x49484156454F5054L).putInt(3).putInt(4).putInt(0).flip());
        assertThat(c.optionReply()).matches(x -> x instanceof OptionReply.ErrorReply e && e.type() == OptionReplyType.ERR_INVALID.code());
        // STARTTLS without TLS configured
        assertThat(c.haggle(new ClientOption.StartTls()).getLast())
                .matches(x -> x instanceof OptionReply.ErrorReply e && e.type() == OptionReplyType.ERR_UNSUP.code());
        assertThat(c.haggle(new ClientOption.Go("disk")).getLast()).isInstanceOf(OptionReply.Ack.class);
    }

    @Test
    void whenTlsIsRequiredOptionsBeforeStartTlsAreRefused() throws Exception {
        NbdServer s = start(NbdServer.builder().export(new NbdExport("disk", disk))
                .tls(javax.net.ssl.SSLContext.getDefault(), true));
        TestClient c = client(s);
        for (ClientOption o : List.<ClientOption>of(new ClientOption.ListExports(), new ClientOption.StructuredReply(),
                new ClientOption.Info("disk"), new ClientOption.Go("disk"), new ClientOption.Unknown(10, new byte[0]))) {
            assertThat(c.haggle(o)).as(o.toString()).singleElement()
                    .matches(x -> x instanceof OptionReply.ErrorReply e && e.type() == OptionReplyType.ERR_TLS_REQD.code());
        }
        assertThat(c.haggle(new ClientOption.Abort())).containsExactly(new OptionReply.Ack(2));
        TestClient d = client(s);
        d.option(new ClientOption.ExportName("disk"));
        assertThat(d.closedByServer()).isTrue();
    }

    @Test
    void abortIsAcknowledgedThenTheConnectionCloses() throws IOException {
        TestClient c = client(standard());
        assertThat(c.haggle(new ClientOption.Abort())).containsExactly(new OptionReply.Ack(2));
        assertThat(c.closedByServer()).isTrue();
    }

    @Test
    void exportNameOfUnknownExportClosesTheConnection() throws IOException {
        TestClient c = client(standard());
        c.option(new ClientOption.ExportName("nope"));
        assertThat(c.closedByServer()).isTrue();
    }

    // ------------------------------------------------------------------ transmission

    @Test
    void writeReadFlushTrimZeroesWithSimpleAndStructuredReplies() throws IOException {
        NbdServer s = standard();
        for (boolean structured : new boolean[] {false, true}) {
            TestClient c = go(s, "disk", structured);
            byte[] data = new byte[8192];
            new Random(structured ? 1 : 2).nextBytes(data);
            c.request(Request.write(1, 4096, data, CommandFlag.FUA));
            assertThat(c.reply()).isEqualTo(SimpleReply.ok(1));
            assertThat(Arrays.copyOfRange(disk.data, 4096, 4096 + 8192)).isEqualTo(data);
            c.request(Request.read(2, 4096, 8192));
            Reply r = c.reply();
            if (structured) {
                assertThat(r).isEqualTo(new ReplyChunk.OffsetData(ReplyChunk.DONE, 2, 4096, data));
            } else {
                assertThat(r).isEqualTo(SimpleReply.read(2, data));
            }
            c.request(Request.flush(3));
            assertThat(c.reply()).isEqualTo(SimpleReply.ok(3));
            c.request(Request.trim(4, 4096, 512));
            assertThat(c.reply()).isEqualTo(SimpleReply.ok(4));
            c.request(Request.writeZeroes(5, 4608, 512, CommandFlag.NO_HOLE, CommandFlag.FUA));
            assertThat(c.reply()).isEqualTo(SimpleReply.ok(5));
            assertThat(Arrays.copyOfRange(disk.data, 4096, 5120)).isEqualTo(new byte[1024]);
            c.request(Request.read(6, 0, 0));
            assertThat(c.reply()).isEqualTo(structured ? new ReplyChunk.None(6) : SimpleReply.ok(6));
        }
        assertThat(disk.fuaWrites).hasValue(2);
        assertThat(disk.discards).hasValue(2);
        assertThat(disk.zeroesNoUnmap).hasValue(2);
        // flush + FUA flush after write-zeroes, twice
        assertThat(disk.flushes).hasValue(4);
    }

    @Test
    void invalidRequestsGetTheSpecsErrorsAndTheConnectionGoesOn() throws IOException {
        NbdServer s = standard();
        for (boolean structured : new boolean[] {false, true}) {
            TestClient c = go(s, "disk", structured);
            c.request(Request.read(1, SIZE - 512, 1024));
            assertThat(error(c.reply())).isEqualTo(NbdError.EINVAL.code());
            c.request(Request.write(2, SIZE, new byte[512]));
            assertThat(error(c.reply())).isEqualTo(NbdError.ENOSPC.code());
            c.request(Request.writeZeroes(3, SIZE - 512, 1024));
            assertThat(error(c.reply())).isEqualTo(NbdError.ENOSPC.code());
            c.request(Request.trim(4, -512, 1024)); // offset 2^64 - 512
            assertThat(error(c.reply())).isEqualTo(NbdError.EINVAL.code());
            c.request(Request.read(5, 100, 512));
            assertThat(error(c.reply())).isEqualTo(NbdError.EINVAL.code());
            c.request(new Request(0, 99, 6, 0, 0, null));
            assertThat(error(c.reply())).isEqualTo(NbdError.EINVAL.code());
            c.request(new Request(1 << 9, 0, 7, 0, 512, null)); // unknown flag
            assertThat(error(c.reply())).isEqualTo(NbdError.EINVAL.code());
            c.request(Request.writeZeroes(8, 0, 512, CommandFlag.FAST_ZERO)); // not advertised
            assertThat(error(c.reply())).isEqualTo(NbdError.EINVAL.code());
            c.request(Request.read(9, 0, 64L * 1024 * 1024)); // over the maximum block size
            assertThat(error(c.reply())).isEqualTo(NbdError.EINVAL.code());
            c.request(Request.read(10, 0, 512));
            assertThat(error(c.reply())).isZero();
        }
        TestClient c = go(s, "ro", false);
        c.request(Request.write(1, 0, new byte[4096]));
        assertThat(error(c.reply())).isEqualTo(NbdError.EPERM.code());
        c.request(Request.trim(2, 0, 4096));
        assertThat(error(c.reply())).isEqualTo(NbdError.EPERM.code());
        c.request(Request.read(3, 0, 4096));
        assertThat(error(c.reply())).isZero();
    }

    static int error(Reply r) {
        return switch (r) {
            case SimpleReply s -> s.error();
            case ReplyChunk.Failure f -> f.error();
            case ReplyChunk c -> 0;
        };
    }

    @Test
    void deviceFailuresAreMappedToNbdErrors() throws Exception {
        ControlledDevice dev = new ControlledDevice(SIZE);
        NbdServer s = start(NbdServer.builder().export(new NbdExport("d", dev)));
        closeables.add(dev);
        TestClient c = go(s, "d", true);
        IoStatus[] statuses = {
            new IoStatus.TargetError(IoStatus.TargetError.Kind.MEDIUM_ERROR, "x"),
            new IoStatus.TargetError(IoStatus.TargetError.Kind.ILLEGAL_REQUEST, "x"),
            new IoStatus.TargetError(IoStatus.TargetError.Kind.WRITE_PROTECTED, "x"),
            new IoStatus.TargetError(IoStatus.TargetError.Kind.NO_SPACE, "x"),
            new IoStatus.NoPathAvailable("all paths down"),
            new IoStatus.DeviceClosed(),
        };
        NbdError[] expected = {NbdError.EIO, NbdError.EINVAL, NbdError.EPERM, NbdError.ENOSPC, NbdError.EIO, NbdError.EIO};
        for (int i = 0; i < statuses.length; i++) {
            c.request(Request.write(i, 0, new byte[512]));
            dev.take(1, Duration.ofSeconds(5)).getFirst().complete(statuses[i]);
            assertThat(c.reply()).isEqualTo(SimpleReply.error(i, expected[i]));
        }
        c.request(Request.read(100, 0, 512));
        dev.take(1, Duration.ofSeconds(5)).getFirst().complete(new IoStatus.PathError("gone", false));
        assertThat(c.reply()).matches(r -> r instanceof ReplyChunk.ErrorChunk e && e.error() == NbdError.EIO.code() && e.done());
        c.request(Request.read(101, 0, 512));
        dev.take(1, Duration.ofSeconds(5)).getFirst().future().completeExceptionally(new IllegalStateException("bug"));
        assertThat(error(c.reply())).isEqualTo(NbdError.EIO.code());
    }

    @Test
    void repliesGoOutInCompletionOrderMatchedByHandle() throws Exception {
        ControlledDevice dev = new ControlledDevice(SIZE);
        NbdServer s = start(NbdServer.builder().export(new NbdExport("d", dev)));
        closeables.add(dev);
        TestClient c = go(s, "d", false);
        for (int h = 1; h <= 3; h++) {
            c.request(Request.read(h, h * 512L, 512));
        }
        // The device may see the three reads in any order; index them by offset (handle h reads at h * 512).
        List<ControlledDevice.Pending> p = new java.util.ArrayList<>(dev.take(3, Duration.ofSeconds(5)));
        p.sort(java.util.Comparator.comparingLong(x -> x.request().offset()));
        p.get(2).complete(IoStatus.OK);
        p.get(0).complete(IoStatus.OK);
        p.get(1).complete(IoStatus.OK);
        for (long h : new long[] {3, 1, 2}) {
            byte[] expected = new byte[512];
            Arrays.fill(expected, (byte) h);
            assertThat(c.reply()).isEqualTo(SimpleReply.read(h, expected));
        }
    }

    @Test
    void readsAreNotAdmittedBeyondTheBytesInFlightLimit() throws Exception {
        ControlledDevice dev = new ControlledDevice(64L * 1024 * 1024);
        NbdServer s = start(NbdServer.builder().export(new NbdExport("d", dev)).maxBytesInFlight(4L << 20));
        closeables.add(dev);
        TestClient c = go(s, "d", false);
        byte[] mib = new byte[1 << 20];
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 10; i++) {
                    c.request(Request.write(i, (long) i << 20, mib));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<ControlledDevice.Pending> first = dev.take(4, Duration.ofSeconds(5));
        Thread.sleep(300);
        assertThat(dev.submitted()).as("writes admitted with 4 MiB in flight").isEqualTo(4);
        first.getFirst().complete(IoStatus.OK);
        assertThat(c.reply()).isEqualTo(SimpleReply.ok(0));
        List<ControlledDevice.Pending> fifth = dev.take(1, Duration.ofSeconds(5));
        Thread.sleep(200);
        assertThat(dev.submitted()).as("one more admitted after one reply").isEqualTo(5);
        fifth.getFirst().complete(IoStatus.OK);
        for (ControlledDevice.Pending p : first.subList(1, 4)) {
            p.complete(IoStatus.OK);
        }
        int replies = 1;
        int completed = 5;
        while (replies < 10) {
            if (completed > replies) {
                assertThat(((SimpleReply) c.reply()).isOk()).isTrue();
                replies++;
            } else {
                dev.take(1, Duration.ofSeconds(5)).getFirst().complete(IoStatus.OK);
                completed++;
            }
        }
        sent.get(5, TimeUnit.SECONDS);
        assertThat(dev.submitted()).isEqualTo(10);
    }

    @Test
    void disconnectAnswersRequestsInFlightThenCloses() throws Exception {
        ControlledDevice dev = new ControlledDevice(SIZE);
        NbdServer s = start(NbdServer.builder().export(new NbdExport("d", dev)));
        closeables.add(dev);
        TestClient c = go(s, "d", false);
        c.request(Request.read(1, 0, 512));
        c.request(Request.disconnect(2));
        ControlledDevice.Pending p = dev.take(1, Duration.ofSeconds(5)).getFirst();
        Thread.sleep(100);
        p.complete(IoStatus.OK);
        assertThat(c.reply()).matches(r -> r.handle() == 1 && ((SimpleReply) r).isOk());
        assertThat(c.closedByServer()).isTrue();
    }

    @Test
    void closeWaitsForDeviceIoInFlight() throws Exception {
        ControlledDevice dev = new ControlledDevice(SIZE);
        NbdServer s = NbdServer.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .export(new NbdExport("d", dev)).start();
        closeables.add(dev);
        TestClient c = go(s, "d", false);
        c.request(Request.read(1, 0, 512));
        ControlledDevice.Pending p = dev.take(1, Duration.ofSeconds(5)).getFirst();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(s::close);
        Thread.sleep(300);
        assertThat(closed).isNotDone();
        assertThat(c.closedByServer()).isTrue();
        p.complete(IoStatus.OK);
        closed.get(5, TimeUnit.SECONDS);
        assertThat(s.connectionCount()).isZero();
    }

    // ------------------------------------------------------------------ misbehaving clients

    @Test
    void garbageDropsOnlyThatConnection() throws Exception {
        NbdServer s = standard();
        TestClient good = go(s, "disk", false);
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            TestClient bad = client(s);
            byte[] junk = new byte[1 + random.nextInt(200)];
            random.nextBytes(junk);
            bad.send(junk);
            // junk that happens to be a valid prefix leaves the server waiting for the rest: hang up
            bad.channel.shutdownOutput();
            assertThat(bad.closedByServer()).as("garbage " + i).isTrue();
        }
        // bad magic in transmission
        TestClient bad = go(s, "disk", false);
        bad.send(new byte[28]);
        assertThat(bad.closedByServer()).isTrue();
        // a client that leaves mid-request
        TestClient gone = go(s, "disk", false);
        gone.send(Arrays.copyOf(NbdEncoder.encode(Request.write(1, 0, new byte[4096])).array(), 1000));
        gone.close();

        good.request(Request.read(1, 0, 512));
        assertThat(((SimpleReply) good.reply()).isOk()).isTrue();
        TestClient fresh = go(s, "disk", true);
        fresh.request(Request.read(1, 0, 512));
        assertThat(fresh.reply()).isInstanceOf(ReplyChunk.OffsetData.class);
    }

    @Test
    void hugeLengthsAreRefusedWithoutBuffering() throws Exception {
        NbdServer s = start(NbdServer.builder().export(new NbdExport("disk", disk)).limits(new NbdLimits(1024, 4096, 1 << 20)));
        TestClient opt = client(s);
        opt.send(ByteBuffer.allocate(16).putLong(0x49484156454F5054L).putInt(6).putInt(0x7fffffff).flip());
        assertThat(opt.closedByServer()).isTrue();
        TestClient w = go(s, "disk", false);
        w.send(ByteBuffer.allocate(28).putInt(0x25609513).putShort((short) 0).putShort((short) 1).putLong(1).putLong(0)
                .putInt(2 << 20).flip());
        assertThat(w.closedByServer()).isTrue();
        // trim and write-zeroes longer than the maximum block size are served
        TestClient t = go(s, "disk", false);
        t.request(Request.trim(1, 0, SIZE));
        assertThat(t.reply()).isEqualTo(SimpleReply.ok(1));
    }

    @Test
    void aClientThatDoesNotReadItsRepliesIsBoundedThenDropped() throws Exception {
        MemoryBlockDevice big = new MemoryBlockDevice(64 * 1024 * 1024, 512);
        NbdServer s = start(NbdServer.builder().export(new NbdExport("big", big))
                .maxBytesInFlight(4L << 20).replyTimeout(Duration.ofSeconds(1)));
        TestClient good = go(s, "big", false);
        TestClient stuck = go(s, "big", false);
        stuck.channel.socket().setReceiveBufferSize(64 * 1024);
        for (int i = 0; i < 64; i++) {
            stuck.request(Request.read(i, (long) i << 20, 1 << 20)); // 64 MiB of replies, never read
        }
        assertDroppedWhileTheOtherWorks(s, good);
    }

    /** Until the server has dropped all connections but {@code good}, {@code good} keeps being served. */
    static void assertDroppedWhileTheOtherWorks(NbdServer s, TestClient good) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (s.connectionCount() > 1 && System.nanoTime() < deadline) {
            // the good connection keeps working meanwhile
            good.request(Request.read(1, 0, 512));
            assertThat(((SimpleReply) good.reply()).isOk()).isTrue();
            Thread.sleep(50);
        }
        assertThat(s.connectionCount()).as("the stuck connection was dropped").isEqualTo(1);
        good.request(Request.read(2, 0, 512));
        assertThat(((SimpleReply) good.reply()).isOk()).isTrue();
    }

    @Test
    void pipelinedBurstsToADeviceThatCompletesInlineAreAllAnswered() throws Exception {
        // The memory disk completes on the reader: the reader writes those replies itself, and
        // after PLACEMENT_SAMPLE requests it moves to a platform thread. Every request of every
        // burst, before and after the move, must be answered once, with the right data.
        NbdServer s = standard();
        TestClient c = go(s, "disk", false);
        int burst = 64;
        int bursts = 3 * NbdConnection.PLACEMENT_SAMPLE / burst;
        Random random = new Random(7);
        long handle = 0;
        for (int b = 0; b < bursts; b++) {
            boolean write = b % 2 == 0;
            long first = handle;
            byte[][] blocks = new byte[burst][];
            ByteBuffer out = ByteBuffer.allocate(burst * (Request.HEADER_LENGTH + 512) + Request.HEADER_LENGTH);
            for (int i = 0; i < burst; i++) {
                long offset = (long) ((b / 2 * burst + i) % (SIZE / 512)) * 512;
                Request r;
                if (write) {
                    blocks[i] = new byte[512];
                    random.nextBytes(blocks[i]);
                    r = Request.write(handle++, offset, blocks[i]);
                } else {
                    r = Request.read(handle++, offset, 512);
                    c.reads.put(r.handle(), 512L);
                }
                out.put(NbdEncoder.encode(r));
            }
            // one misaligned read per burst: an error reply among the others
            c.reads.put(handle, 100L);
            out.put(NbdEncoder.encode(Request.read(handle++, 1, 100)));
            c.send(out.flip());
            java.util.Set<Long> answered = new java.util.HashSet<>();
            for (int i = 0; i <= burst; i++) {
                SimpleReply r = (SimpleReply) c.reply();
                assertThat(answered.add(r.handle())).as("handle %d answered once", r.handle()).isTrue();
                int k = (int) (r.handle() - first);
                if (k == burst) {
                    assertThat(r.error()).isEqualTo(NbdError.EINVAL.code());
                } else {
                    assertThat(r.isOk()).isTrue();
                    if (!write) {
                        long offset = (long) ((b / 2 * burst + k) % (SIZE / 512)) * 512;
                        assertThat(r.data()).isEqualTo(Arrays.copyOfRange(disk.data, (int) offset, (int) offset + 512));
                    }
                }
            }
            assertThat(answered).hasSize(burst + 1);
            if (write) {
                for (int i = 0; i < burst; i++) {
                    int offset = ((b / 2 * burst + i) % (SIZE / 512)) * 512;
                    assertThat(Arrays.copyOfRange(disk.data, offset, offset + 512)).isEqualTo(blocks[i]);
                }
            }
        }
        String reader = "nbd-conn " + c.channel.getLocalAddress();
        assertThat(Thread.getAllStackTraces().keySet()).as("the reader moved to a platform thread")
                .anyMatch(t -> t.getName().equals(reader) && !t.isVirtual());
        c.request(Request.disconnect(handle));
        assertThat(c.closedByServer()).isTrue();
    }

    @Test
    void aClientThatDoesNotReadRepliesTheReaderHoldsIsDropped() throws Exception {
        // 64 KiB replies of an inline device are written by the reader itself: a client that
        // does not read them blocks that reader only, and the reply timeout drops it.
        MemoryBlockDevice big = new MemoryBlockDevice(64 * 1024 * 1024, 512);
        NbdServer s = start(NbdServer.builder().export(new NbdExport("big", big))
                .maxBytesInFlight(4L << 20).replyTimeout(Duration.ofSeconds(1)));
        TestClient good = go(s, "big", false);
        TestClient stuck = go(s, "big", false);
        stuck.channel.socket().setReceiveBufferSize(64 * 1024);
        ByteBuffer out = ByteBuffer.allocate(1024 * Request.HEADER_LENGTH);
        for (int i = 0; i < 1024; i++) {
            out.put(NbdEncoder.encode(Request.read(i, (long) i << 16, 1 << 16))); // 64 MiB, never read
        }
        stuck.send(out.flip());
        assertDroppedWhileTheOtherWorks(s, good);
    }

    @Test
    void silentClientsAreDroppedAfterTheHandshakeTimeout() throws Exception {
        NbdServer s = start(NbdServer.builder().export(new NbdExport("disk", disk)).handshakeTimeout(Duration.ofMillis(500)));
        TestClient c = client(s);
        long t0 = System.nanoTime();
        assertThat(c.closedByServer()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void unfixedNewstyleClientMayOnlyUseExportName() throws Exception {
        NbdServer s = standard();
        TestClient c = new TestClient(s.localAddress());
        closeables.add(c);
        c.next(new io.mpath4j.nbd.protocol.NbdClientDecoder()::decodeGreeting);
        c.send(NbdEncoder.encode(new ClientFlags(0)));
        c.option(new ClientOption.ListExports());
        assertThat(c.closedByServer()).isTrue();
        // unknown client flags drop the connection
        TestClient d = new TestClient(s.localAddress());
        closeables.add(d);
        d.next(new io.mpath4j.nbd.protocol.NbdClientDecoder()::decodeGreeting);
        d.send(ByteBuffer.allocate(4).putInt(0x10).flip());
        assertThat(d.closedByServer()).isTrue();
    }

    @Test
    void twoListenersServeTheSameExports() throws Exception {
        NbdServer s = start(NbdServer.builder().export(new NbdExport("disk", disk))
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        assertThat(s.localAddresses()).hasSize(2);
        for (InetSocketAddress a : s.localAddresses()) {
            TestClient c = new TestClient(a);
            closeables.add(c);
            c.next(new io.mpath4j.nbd.protocol.NbdClientDecoder()::decodeGreeting);
            c.send(NbdEncoder.encode(new ClientFlags(3)));
            assertThat(c.exportName("disk").size()).isEqualTo(SIZE);
        }
    }

    static IoRequest unused() {
        return null;
    }
}
