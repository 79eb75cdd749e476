package io.mpath4j.iscsi.session;

import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.iscsi.login.DigestOffer;
import io.mpath4j.iscsi.login.ChapException;
import io.mpath4j.iscsi.login.ChapInitiator;
import io.mpath4j.iscsi.login.InitiatorNegotiation;
import io.mpath4j.iscsi.login.Key;
import io.mpath4j.iscsi.login.KeyValue;
import io.mpath4j.iscsi.login.NegotiationException;
import io.mpath4j.iscsi.login.SessionParameters;
import io.mpath4j.iscsi.login.TargetPortal;
import io.mpath4j.iscsi.login.TextAssembler;
import io.mpath4j.iscsi.login.TextCodec;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.iscsi.pdu.SerialNumber;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The initiator's login state machine (RFC 7143 §6.3, §11.12, §11.13) over a blocking {@link
 * PduStream}: the security stage (AuthMethod=CHAP,None; CHAP one-way or mutual through {@link
 * ChapInitiator}), then the operational stage ({@link InitiatorNegotiation}), then the full
 * feature phase. One instance per login attempt.
 *
 * <p>Stages: the first Login Request is CSG=0 (security) with NSG=1. Without credentials it offers
 * {@code AuthMethod=None} and sets T at once. With credentials it offers {@code CHAP,None}: if the
 * target picks CHAP we send {@code CHAP_A=5}, answer its challenge with T=1, and, for mutual CHAP,
 * check the target's CHAP_N/CHAP_R in the response that moves us to stage 1. A target that picks
 * None when we asked for mutual CHAP fails the login (it could not prove itself). The operational
 * stage then sends our offers with T=1, NSG=3, repeating (answering the target's own offers) until
 * the target answers with T=1, NSG=3. Text continued by the target (C bit) is fetched with empty
 * Login Requests (§11.13.2).
 *
 * <p>Sequence numbers: CmdSN is the session's first CmdSN on every Login Request and stays
 * unchanged (login requests are immediate, §3.2.2.1); ExpStatSN follows the target's StatSN.
 */
final class Login {

    /** Our offers (RFC 7143 §13), in the order they are sent. */
    static Map<Key, String> operationalOffers(DigestOffer headerDigest, DigestOffer dataDigest) {
        Map<Key, String> m = new LinkedHashMap<>();
        m.put(Key.HEADER_DIGEST, headerDigest.offer()); // our preference first (a LIST key, §6.2.1)
        m.put(Key.DATA_DIGEST, dataDigest.offer());
        m.put(Key.MAX_BURST_LENGTH, "16776192");
        m.put(Key.FIRST_BURST_LENGTH, "262144");
        m.put(Key.INITIAL_R2T, "No");
        m.put(Key.IMMEDIATE_DATA, "Yes");
        m.put(Key.MAX_OUTSTANDING_R2T, "1");
        m.put(Key.DATA_PDU_IN_ORDER, "Yes");
        m.put(Key.DATA_SEQUENCE_IN_ORDER, "Yes");
        m.put(Key.DEFAULT_TIME2WAIT, "2");
        m.put(Key.DEFAULT_TIME2RETAIN, "20");
        m.put(Key.ERROR_RECOVERY_LEVEL, "0");
        m.put(Key.MAX_CONNECTIONS, "1");
        return m;
    }

    /** The MaxRecvDataSegmentLength we declare. */
    static final int OUR_MAX_RECV_DATA_SEGMENT_LENGTH = 262144;

    private static final int MAX_ROUNDS = 32;

    /**
     * What the login needs.
     *
     * @param targetName null for a discovery session
     * @param initiatorChap our CHAP name and secret, or null
     * @param targetChap for mutual CHAP, what the target must prove, or null
     */
    record Request(String initiatorName, String targetName, long isid, int tsih, int cmdSN,
            ChapCredentials initiatorChap, ChapCredentials targetChap, RandomGenerator random,
            DigestOffer headerDigest, DigestOffer dataDigest) {
        Request {
            Objects.requireNonNull(initiatorName, "initiatorName");
            Objects.requireNonNull(headerDigest, "headerDigest");
            Objects.requireNonNull(dataDigest, "dataDigest");
            Objects.requireNonNull(random, "random");
            if (targetChap != null && initiatorChap == null) {
                throw new IllegalArgumentException("mutual CHAP needs the initiator's CHAP credentials too");
            }
        }

        boolean discovery() {
            return targetName == null;
        }
    }

    /** A login that ended in the full feature phase. */
    record Result(SessionParameters parameters, int tsih, int cmdSN, int expStatSN, int expCmdSN, int maxCmdSN,
            boolean authenticated) {}

    /** The target redirected us (Status-Class 1) to {@code portal}. */
    static final class RedirectException extends LoginException {
        private final TargetPortal portal;

        RedirectException(String message, int detail, TargetPortal portal) {
            super(message, 1, detail);
            this.portal = portal;
        }

        TargetPortal portal() {
            return portal;
        }
    }

    private final PduStream stream;
    private final Request req;
    private final long deadline;
    private final String peer;
    private final int itt;
    private int expStatSN;
    private int expCmdSN;
    private int maxCmdSN;
    private boolean statSNKnown;
    private int tsih;
    private final List<KeyValue> securityDeclarations = new ArrayList<>(); // TargetPortalGroupTag, TargetAlias

    Login(PduStream stream, Request req, long deadlineNanos, String peer) {
        this.stream = stream;
        this.req = req;
        this.deadline = deadlineNanos;
        this.peer = peer;
        this.itt = req.random().nextInt() & 0x7fffffff;
        this.tsih = req.tsih();
    }

    Result run() throws IOException {
        boolean authenticated = security();
        return operational(authenticated);
    }

    // ---------------------------------------------------------------- security stage

    private boolean security() throws IOException {
        List<KeyValue> first = new ArrayList<>();
        first.add(KeyValue.of("InitiatorName", req.initiatorName()));
        if (req.discovery()) {
            first.add(KeyValue.of("SessionType", "Discovery"));
        } else {
            first.add(KeyValue.of("SessionType", "Normal"));
            first.add(KeyValue.of("TargetName", req.targetName()));
        }
        boolean wantChap = req.initiatorChap() != null;
        first.add(KeyValue.of("AuthMethod", wantChap ? "CHAP,None" : "None"));
        Answer a = exchange(0, 1, !wantChap, first);
        for (KeyValue kv : a.pairs) {
            // the target declares its portal group tag in its first answer (RFC 7143 §13.9)
            if (kv.key().equals("TargetPortalGroupTag") || kv.key().equals("TargetAlias")) {
                securityDeclarations.add(kv);
            }
        }
        String method = value(a.pairs, "AuthMethod");
        if (method == null && !a.transit) {
            throw new LoginException("login to " + peer + ": the target did not answer AuthMethod", null);
        }
        if (method != null && method.equals("CHAP")) {
            if (!wantChap) {
                throw new LoginException("login to " + peer + ": the target demands CHAP, which we did not offer", null);
            }
            return chap(a);
        }
        if (method != null && !method.equals("None")) {
            throw new LoginException("login to " + peer + ": the target chose AuthMethod=" + method
                    + ", which we did not offer", null);
        }
        if (req.targetChap() != null) {
            throw new LoginException("login to " + peer + ": mutual CHAP was asked for but the target chose"
                    + " AuthMethod=None, so it cannot prove its identity", null);
        }
        // AuthMethod=None: move on to the operational stage (unless the target did already)
        while (!a.transit) {
            a = exchange(0, 1, true, List.of());
        }
        checkNext(a, 1);
        return false;
    }

    private boolean chap(Answer afterMethod) throws IOException {
        ChapInitiator chap;
        try {
            chap = new ChapInitiator(req.initiatorChap(), req.targetChap(), req.random());
        } catch (ChapException e) {
            throw new LoginException("login to " + peer + ": " + e.getMessage(), e);
        }
        if (afterMethod.transit) {
            throw new LoginException("login to " + peer + ": the target left the security stage before CHAP", null);
        }
        Answer challenge = exchange(0, 1, false, chap.algorithmOffer());
        List<KeyValue> response;
        try {
            response = chap.onChallenge(challenge.pairs);
        } catch (ChapException e) {
            throw new LoginException("login to " + peer + ": CHAP: " + e.getMessage(), e);
        }
        Answer done = exchange(0, 1, true, response);
        if (chap.isMutual()) {
            try {
                chap.onTargetResponse(done.pairs);
            } catch (ChapException e) {
                throw new LoginException("login to " + peer + ": mutual CHAP: " + e.getMessage(), e);
            }
        }
        while (!done.transit) {
            done = exchange(0, 1, true, List.of());
        }
        checkNext(done, 1);
        return true;
    }

    // ---------------------------------------------------------------- operational stage

    private Result operational(boolean authenticated) throws IOException {
        Map<Key, String> declarations = new LinkedHashMap<>();
        declarations.put(Key.MAX_RECV_DATA_SEGMENT_LENGTH, Integer.toString(OUR_MAX_RECV_DATA_SEGMENT_LENGTH));
        // the names and SessionType went in the security stage and are not repeated (§6.3.1)
        Map<Key, String> offers = operationalOffers(req.headerDigest(), req.dataDigest());
        if (req.discovery()) {
            // §13: session-wide keys other than digests and MaxRecvDataSegmentLength are irrelevant in discovery
            offers.keySet().retainAll(List.of(Key.HEADER_DIGEST, Key.DATA_DIGEST));
        }
        InitiatorNegotiation neg = new InitiatorNegotiation(offers, declarations);
        List<KeyValue> out = neg.firstMessage();
        try {
            neg.accept(securityDeclarations);
        } catch (NegotiationException e) {
            throw new LoginException("login to " + peer + ": " + e.getMessage(), e);
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Answer a = exchange(1, 3, true, out);
            try {
                out = neg.accept(a.pairs);
            } catch (NegotiationException e) {
                throw new LoginException("login to " + peer + ": negotiation failed: " + e.getMessage(), e);
            }
            if (a.transit) {
                checkNext(a, 3);
                if (!out.isEmpty()) {
                    throw new LoginException("login to " + peer + ": the target ended the operational stage with"
                            + " offers still unanswered: " + out, null);
                }
                SessionParameters p;
                try {
                    p = neg.parameters();
                } catch (NegotiationException e) {
                    throw new LoginException("login to " + peer + ": negotiation failed: " + e.getMessage(), e);
                }
                requireDigest("header", req.headerDigest(), p.headerDigest());
                requireDigest("data", req.dataDigest(), p.dataDigest());
                return new Result(p, tsih, req.cmdSN(), expStatSN, expCmdSN, maxCmdSN, authenticated);
            }
        }
        throw new LoginException("login to " + peer + ": the operational stage did not end after " + MAX_ROUNDS
                + " exchanges", null);
    }

    /** A required digest the target did not agree to fails the login (it would answer Reject, §6.2.1). */
    private void requireDigest(String which, DigestOffer offer, boolean negotiated) throws LoginException {
        if (offer == DigestOffer.REQUIRED && !negotiated) {
            throw new LoginException("login to " + peer + ": CRC32C " + which + " digests are required (" + which
                    + "_digest=crc32c) but the target did not agree to them", null);
        }
    }

    // ---------------------------------------------------------------- one exchange

    private record Answer(boolean transit, int nextStage, List<KeyValue> pairs) {}

    /**
     * Sends one Login Request with {@code pairs} and returns the target's whole answer, fetching
     * continued text with empty requests.
     */
    private Answer exchange(int csg, int nsg, boolean transit, List<KeyValue> pairs) throws IOException {
        send(csg, nsg, transit, pairs);
        TextAssembler text = new TextAssembler();
        for (int i = 0; i < MAX_ROUNDS; i++) {
            Pdu p = stream.receive(deadline, "the Login Response");
            if (!(p instanceof Pdu.LoginResponse r)) {
                throw new LoginException("login to " + peer + ": expected a Login Response, got " + p.opcode(), null);
            }
            track(r);
            if (r.statusClass() != 0) {
                refused(r);
            }
            if (r.initiatorTaskTag() != itt) {
                throw new LoginException("login to " + peer + ": Login Response with a foreign ITT", null);
            }
            if (r.currentStage() != csg) {
                throw new LoginException("login to " + peer + ": Login Response for stage " + r.currentStage()
                        + " while we are in stage " + csg, null);
            }
            if (r.transit() && !transit) {
                throw new LoginException("login to " + peer + ": the target set T without our T (RFC 7143 §11.13.1)",
                        null);
            }
            List<KeyValue> all;
            try {
                all = text.append(r.text(), r.continueFlag());
            } catch (NegotiationException e) {
                throw new LoginException("login to " + peer + ": bad login text: " + e.getMessage(), e);
            }
            if (all != null) {
                return new Answer(r.transit(), r.nextStage(), all);
            }
            send(csg, nsg, false, List.of()); // fetch the rest of the continued text
        }
        throw new LoginException("login to " + peer + ": login text continued too long", null);
    }

    private void send(int csg, int nsg, boolean transit, List<KeyValue> pairs) throws IOException {
        byte[] text = TextCodec.encode(pairs);
        stream.send(new Pdu.LoginRequest(transit, false, csg, transit ? nsg : 0, 0, 0, req.isid(), tsih, itt, 0,
                req.cmdSN(), expStatSN, Bytes.of(text)));
    }

    private void track(Pdu.LoginResponse r) {
        if (r.statusClass() == 0 || statSNKnown) {
            expStatSN = SerialNumber.add(r.statSN(), 1);
            statSNKnown = true;
        }
        expCmdSN = r.expCmdSN();
        maxCmdSN = r.maxCmdSN();
        if (r.tsih() != 0) {
            tsih = r.tsih();
        }
    }

    private void checkNext(Answer a, int expected) throws LoginException {
        if (a.nextStage != expected) {
            throw new LoginException("login to " + peer + ": the target moved to stage " + a.nextStage
                    + ", expected " + expected, null);
        }
    }

    private void refused(Pdu.LoginResponse r) throws LoginException {
        String what = LoginException.describe(r.statusClass(), r.statusDetail());
        if (r.statusClass() == 1) {
            TargetPortal portal = null;
            try {
                List<KeyValue> pairs = TextCodec.decode(r.text().toByteArray());
                String address = value(pairs, "TargetAddress");
                if (address != null) {
                    portal = TargetPortal.parse(address);
                }
            } catch (NegotiationException e) {
                // no usable address: reported below
            }
            if (portal == null) {
                throw new LoginException("login to " + peer + ": " + what + " without a usable TargetAddress", 1,
                        r.statusDetail());
            }
            throw new RedirectException("login to " + peer + ": " + what + " to " + portal.toText(),
                    r.statusDetail(), portal);
        }
        String target = req.discovery() ? "discovery" : "target " + req.targetName();
        throw new LoginException("login to " + target + " at " + peer + " failed: " + what, r.statusClass(),
                r.statusDetail());
    }

    private static String value(List<KeyValue> pairs, String key) {
        for (KeyValue kv : pairs) {
            if (kv.key().equals(key)) {
                return kv.value();
            }
        }
        return null;
    }
}
