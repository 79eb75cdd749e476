package io.mpath4j.lab.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.iscsi.login.KeyValue;
import io.mpath4j.iscsi.login.TextCodec;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.scsi.cdb.Cdb;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed and out-of-order input from a raw initiator: the target answers with a login refusal,
 * a Reject or a dropped connection, as RFC 7143 says, and keeps serving everyone else.
 */
class ProtocolErrorIT {

    static final String IQN = LabTargetIT.IQN;
    private LabTarget target;
    private InetSocketAddress at;

    @BeforeEach
    void start() throws Exception {
        target = LabTargetIT.twoPortals(new MemoryDisk(1 << 20, 512, "err1")).start();
        at = target.portals().get(0);
    }

    @AfterEach
    void stop() {
        target.close();
    }

    /** The target still logs in a well-behaved initiator and answers a NOP-Out. */
    void stillServes() throws Exception {
        try (RawInitiator r = new RawInitiator(at)) {
            Pdu.LoginResponse lr = r.login(IQN, 0x80_0000_0001L);
            assertThat(lr.statusClass()).isZero();
            r.send(new Pdu.NopOut(true, 0, 9, Pdu.RESERVED_TAG, 100, lr.statSN() + 1, Bytes.of(new byte[] {1, 2, 3})));
            assertThat(r.receive()).isInstanceOfSatisfying(Pdu.NopIn.class, n -> {
                assertThat(n.initiatorTaskTag()).isEqualTo(9);
                assertThat(n.pingData()).isEqualTo(Bytes.of(new byte[] {1, 2, 3}));
            });
        }
    }

    @Test
    void garbageDropsTheConnectionOnly() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            try (RawInitiator r = new RawInitiator(at)) {
                byte[] junk = new byte[48 + random.nextInt(200)];
                random.nextBytes(junk);
                r.sendBytes(junk);
                r.finishSending(); // junk may announce a longer PDU: the end of the stream cuts it short
                Pdu p = r.receive();
                // at most a login refusal, then the end (or, for a decodable but wrong first PDU, the end at once)
                if (p != null) {
                    assertThat(p).isInstanceOf(Pdu.LoginResponse.class);
                    assertThat(((Pdu.LoginResponse) p).statusClass()).isNotZero();
                    assertThat(r.receive()).isNull();
                }
            }
        }
        stillServes();
    }

    @Test
    void loginRefusalsSayWhy() throws Exception {
        try (RawInitiator r = new RawInitiator(at)) {
            assertThat(r.login("iqn.2026-11.io.mpath4j:none", 1).statusDetail()).isEqualTo(3); // not found
        }
        try (RawInitiator r = new RawInitiator(at)) {
            List<KeyValue> keys = List.of(KeyValue.of("SessionType", "Normal"), KeyValue.of("TargetName", IQN));
            r.send(new Pdu.LoginRequest(true, false, 1, 3, 0, 0, 1, 0, 1, 0, 1, 0, Bytes.of(TextCodec.encode(keys))));
            Pdu.LoginResponse lr = (Pdu.LoginResponse) r.receive();
            assertThat(lr.statusClass()).isEqualTo(2);
            assertThat(lr.statusDetail()).isEqualTo(7); // missing InitiatorName
        }
        try (RawInitiator r = new RawInitiator(at)) {
            r.send(new Pdu.LoginRequest(true, false, 1, 3, 9, 5, 1, 0, 1, 0, 1, 0, Bytes.EMPTY));
            assertThat(((Pdu.LoginResponse) r.receive()).statusDetail()).isEqualTo(5); // unsupported version
        }
        try (RawInitiator r = new RawInitiator(at)) {
            List<KeyValue> keys = List.of(KeyValue.of("InitiatorName", "iqn.x:y"), KeyValue.of("TargetName", IQN),
                    KeyValue.of("MaxBurstLength", "4096"), KeyValue.of("MaxBurstLength", "8192"));
            r.send(new Pdu.LoginRequest(true, false, 1, 3, 0, 0, 1, 0, 1, 0, 1, 0, Bytes.of(TextCodec.encode(keys))));
            Pdu.LoginResponse lr = (Pdu.LoginResponse) r.receive();
            assertThat(lr.statusClass()).as("a key offered twice").isEqualTo(2);
        }
        stillServes();
    }

    @Test
    void unsupportedOpcodeAndSnackAreRejectedAndTheConnectionGoesOn() throws Exception {
        try (RawInitiator r = new RawInitiator(at)) {
            Pdu.LoginResponse lr = r.login(IQN, 2);
            assertThat(lr.statusClass()).isZero();
            byte[] vendor = new byte[48];
            vendor[0] = 0x1c; // a vendor-specific initiator opcode
            vendor[1] = (byte) 0x80;
            r.sendBytes(vendor);
            assertThat(r.receive()).isInstanceOfSatisfying(Pdu.Reject.class,
                    j -> assertThat(j.reason()).isEqualTo(Pdu.Reject.COMMAND_NOT_SUPPORTED));
            r.send(new Pdu.SnackRequest(0, 0, 5, 0, 0, 0, 0));
            assertThat(r.receive()).isInstanceOfSatisfying(Pdu.Reject.class,
                    j -> assertThat(j.reason()).isEqualTo(Pdu.Reject.SNACK_REJECT));
            r.send(new Pdu.NopOut(true, 0, 10, Pdu.RESERVED_TAG, 100, 0, Bytes.EMPTY));
            assertThat(r.receive()).isInstanceOf(Pdu.NopIn.class);
        }
    }

    @Test
    void dataOutForNoTaskDropsTheConnection() throws Exception {
        try (RawInitiator r = new RawInitiator(at)) {
            assertThat(r.login(IQN, 3).statusClass()).isZero();
            r.send(new Pdu.DataOut(true, 0, 77, 1234, 0, 0, 0, Bytes.of(new byte[512])));
            assertThat(r.receive()).isNull();
        }
        stillServes();
    }

    @Test
    void duplicateTaskTagIsRejected() throws Exception {
        try (RawInitiator r = new RawInitiator(at)) {
            assertThat(r.login(IQN, 4).statusClass()).isZero();
            target.faults(0).latency(java.time.Duration.ofMillis(500), java.time.Duration.ZERO);
            byte[] cdb = new Cdb.TestUnitReady().encode();
            r.send(new Pdu.ScsiCommand(false, true, false, false, 1, 0, 42, 0, 100, 0, Bytes.of(cdb), OptionalInt.empty(),
                    Bytes.EMPTY));
            r.send(new Pdu.ScsiCommand(false, true, false, false, 1, 0, 42, 0, 101, 0, Bytes.of(cdb), OptionalInt.empty(),
                    Bytes.EMPTY));
            assertThat(r.receive()).isInstanceOfSatisfying(Pdu.Reject.class,
                    j -> assertThat(j.reason()).isEqualTo(Pdu.Reject.TASK_IN_PROGRESS));
            assertThat(r.receive()).isInstanceOfSatisfying(Pdu.ScsiResponse.class, s -> assertThat(s.status()).isZero());
        }
    }

    @Test
    void theTargetPingsASilentInitiatorAndDropsItWhenThePingGoesUnanswered() throws Exception {
        try (LabTarget t = LabTarget.builder().portal("127.0.0.1", 0, 1, 1, 1)
                .settings(TargetSettings.defaults().withNop(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(1)))
                .target(IQN, new MemoryDisk(1 << 20, 512, "nop1"), MemoryDisk.LUN).start();
                RawInitiator r = new RawInitiator(t.portals().get(0))) {
            Pdu.LoginResponse lr = r.login(IQN, 9);
            assertThat(lr.statusClass()).isZero();
            Pdu first = r.receive();
            assertThat(first).isInstanceOfSatisfying(Pdu.NopIn.class, n -> {
                assertThat(n.initiatorTaskTag()).isEqualTo(Pdu.RESERVED_TAG);
                assertThat(n.targetTransferTag()).isNotEqualTo(Pdu.RESERVED_TAG);
                assertThat(n.statSN()).as("a ping takes no StatSN").isEqualTo(lr.statSN() + 1);
            });
            Pdu.NopIn ping = (Pdu.NopIn) first;
            r.send(new Pdu.NopOut(true, 0, Pdu.RESERVED_TAG, ping.targetTransferTag(), 100, ping.statSN(), Bytes.EMPTY));
            Pdu second = r.receive();
            assertThat(second).as("answered, the next ping comes after the next silence").isInstanceOf(Pdu.NopIn.class);
            // this one goes unanswered: the target drops the connection
            assertThat(r.receive()).isNull();
        }
    }

    @Test
    void sendTargetsForOneNameOrAnUnknownOne() throws Exception {
        try (RawInitiator r = new RawInitiator(at)) {
            assertThat(r.loginDiscovery().statusClass()).isZero();
            int cmdSN = 100;
            for (String which : List.of(IQN, "iqn.2026-11.io.mpath4j:unknown")) {
                r.send(new Pdu.TextRequest(false, true, false, 0, cmdSN, Pdu.RESERVED_TAG, cmdSN, 0,
                        Bytes.of(TextCodec.encode(List.of(KeyValue.of("SendTargets", which))))));
                cmdSN++;
                Pdu.TextResponse tr = (Pdu.TextResponse) r.receive();
                assertThat(tr.finalPdu()).isTrue();
                List<KeyValue> pairs = TextCodec.decode(tr.text().toByteArray());
                if (which.equals(IQN)) {
                    assertThat(pairs.get(0)).isEqualTo(KeyValue.of("TargetName", IQN));
                    assertThat(pairs).filteredOn(kv -> kv.key().equals("TargetAddress")).hasSize(2);
                } else {
                    assertThat(pairs).isEmpty();
                }
            }
            // a discovery session carries no SCSI commands
            r.send(new Pdu.ScsiCommand(false, true, false, false, 1, 0, 5, 0, cmdSN, 0,
                    Bytes.of(new Cdb.TestUnitReady().encode()), OptionalInt.empty(), Bytes.EMPTY));
            assertThat(r.receive()).isInstanceOf(Pdu.Reject.class);
        }
    }

    @Test
    void targetWarmAndColdReset() throws Exception {
        MemoryDisk disk = new MemoryDisk(1 << 20, 512, "reset1");
        try (LabTarget t = LabTargetIT.twoPortals(disk).start(); RawInitiator r = new RawInitiator(t.portals().get(0))) {
            assertThat(r.login(IQN, 11).statusClass()).isZero();
            r.send(new Pdu.TaskManagementRequest(true, Pdu.TaskFunction.TARGET_WARM_RESET, 0, 21, Pdu.RESERVED_TAG, 100,
                    0, 0, 0));
            assertThat(r.receive()).isInstanceOfSatisfying(Pdu.TaskManagementResponse.class,
                    m -> assertThat(m.response()).isEqualTo(Pdu.TaskManagementResponse.FUNCTION_COMPLETE));
            assertThat(disk.resets.get()).isEqualTo(1);
            r.send(new Pdu.TaskManagementRequest(true, Pdu.TaskFunction.TARGET_COLD_RESET, 0, 22, Pdu.RESERVED_TAG, 100,
                    0, 0, 0));
            assertThat(r.receive()).isInstanceOfSatisfying(Pdu.TaskManagementResponse.class,
                    m -> assertThat(m.response()).isEqualTo(Pdu.TaskManagementResponse.FUNCTION_COMPLETE));
            assertThat(r.receive()).as("after a cold reset the target closes the connection").isNull();
            assertThat(disk.resets.get()).isEqualTo(2);
            assertThat(PortalFaultsIT.eventually(5, () -> disk.lost.size() == 1)).as("the session ended").isTrue();
        }
    }
}
