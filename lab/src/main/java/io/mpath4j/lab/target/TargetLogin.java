package io.mpath4j.lab.target;

import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.iscsi.login.ChapException;
import io.mpath4j.iscsi.login.ChapTarget;
import io.mpath4j.iscsi.login.Key;
import io.mpath4j.iscsi.login.KeyValue;
import io.mpath4j.iscsi.login.NegotiationException;
import io.mpath4j.iscsi.login.NegotiationRules;
import io.mpath4j.iscsi.login.SessionParameters;
import io.mpath4j.iscsi.login.TargetNegotiation;
import io.mpath4j.iscsi.login.TextAssembler;
import io.mpath4j.iscsi.login.TextCodec;
import io.mpath4j.iscsi.login.TextValues;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The target's login state machine for one connection (RFC 7143 §6.3, §11.12, §11.13): takes the
 * Login Requests one at a time and says what to answer, until the full feature phase or a refusal.
 *
 * <p><b>Security stage.</b> AuthMethod is answered from {@code CHAP} when the target requires CHAP,
 * else {@code None}; an initiator that offers neither is refused with 02h/01h (authentication
 * failure). CHAP goes through {@link ChapTarget}; the stage is left only after it succeeded. An
 * initiator that starts in the operational stage while CHAP is required is refused likewise.
 *
 * <p><b>Names.</b> The first request must carry InitiatorName (02h/07h missing parameter); a normal
 * session must name a target this lab target has (02h/03h not found). The first response of a
 * normal session declares TargetPortalGroupTag and TargetAlias (§13.9).
 *
 * <p><b>Operational stage.</b> {@link TargetNegotiation} answers every offer; the target's
 * MaxRecvDataSegmentLength is declared in its first operational response (or the final one if the
 * initiator went straight to the full feature phase). The target never offers keys itself, so it
 * follows the initiator's T bit: T=1 and NSG as asked.
 *
 * <p><b>Sequence numbers.</b> Each Login Response takes the next StatSN (§11.13.4); ExpCmdSN is
 * the login's CmdSN (Login Requests are immediate) and MaxCmdSN opens the window.
 *
 * <p>Continued text (C bit) is collected before it is answered, with an empty response per part
 * (§11.12.2). Not thread-safe: the connection's reader owns it.
 */
final class TargetLogin {

    /** What the connection needs from the target to log in. */
    interface Context {
        TargetNode target(String iqn);

        ChapCredentials initiatorChap();

        ChapCredentials targetChap();

        TargetSettings settings();

        PortalSpec portal();

        RandomGenerator random();
    }

    /** One answer: the response to send, and whether login is complete after it. */
    record Step(Pdu.LoginResponse response, boolean done) {}

    /** The result of a completed login (before the session exists: its TSIH goes in the final response). */
    record Outcome(SessionParameters params, boolean discovery, TargetNode node, String initiatorName, long isid,
            int cmdSN) {}

    private static final int MAX_ROUNDS = 64;

    private final Context ctx;
    private final TargetNegotiation neg;
    private final TextAssembler text = new TextAssembler(64 * 1024);
    private long isid;
    private int itt;
    private int cmdSN;
    private int tsih;
    private boolean first = true;
    private boolean namesChecked;
    private boolean discovery;
    private TargetNode node;
    private String initiatorName;
    private String authMethod; // null until answered
    private ChapTarget chap;
    private boolean authenticated;
    private boolean sentMaxRecv;
    private int rounds;

    TargetLogin(Context ctx) {
        this.ctx = ctx;
        TargetSettings s = ctx.settings();
        Map<Key, String> local = new LinkedHashMap<>();
        local.put(Key.HEADER_DIGEST, s.digests());
        local.put(Key.DATA_DIGEST, s.digests());
        local.put(Key.MAX_CONNECTIONS, "1");
        local.put(Key.INITIAL_R2T, "No");
        local.put(Key.IMMEDIATE_DATA, "Yes");
        local.put(Key.MAX_BURST_LENGTH, Integer.toString(s.maxBurstLength()));
        local.put(Key.FIRST_BURST_LENGTH, Integer.toString(s.firstBurstLength()));
        local.put(Key.DEFAULT_TIME2WAIT, "2");
        local.put(Key.DEFAULT_TIME2RETAIN, "20");
        local.put(Key.MAX_OUTSTANDING_R2T, Integer.toString(s.maxOutstandingR2T()));
        local.put(Key.DATA_PDU_IN_ORDER, "Yes");
        local.put(Key.DATA_SEQUENCE_IN_ORDER, "Yes");
        local.put(Key.ERROR_RECOVERY_LEVEL, "0");
        Map<Key, String> declarations = new LinkedHashMap<>();
        declarations.put(Key.MAX_RECV_DATA_SEGMENT_LENGTH, Integer.toString(s.maxRecvDataSegmentLength()));
        declarations.put(Key.TARGET_PORTAL_GROUP_TAG, Integer.toString(ctx.portal().portalGroupTag()));
        this.neg = new TargetNegotiation(local, declarations);
    }

    long isid() {
        return isid;
    }

    int itt() {
        return itt;
    }

    int cmdSN() {
        return cmdSN;
    }

    /** The TSIH the initiator sent (0 for a leading login). */
    int requestedTsih() {
        return tsih;
    }

    /**
     * Answers one Login Request. When the login is complete the response is null and {@link
     * #outcome()} tells the result: the caller makes the session and sends {@link #finalResponse}.
     */
    Pdu.LoginResponse onRequest(Pdu.LoginRequest req, int statSN, int windowSize) throws LoginRefused {
        if (++rounds > MAX_ROUNDS) {
            throw new LoginRefused(LoginRefused.INITIATOR_ERROR, "login did not end after " + MAX_ROUNDS + " requests");
        }
        if (first) {
            first = false;
            if (req.versionMin() > 0) {
                throw new LoginRefused(LoginRefused.UNSUPPORTED_VERSION, "Version-min " + req.versionMin()
                        + ": this target speaks version 0 (RFC 7143)");
            }
            isid = req.isid();
            itt = req.initiatorTaskTag();
            cmdSN = req.cmdSN();
            tsih = req.tsih();
        } else if (req.isid() != isid || req.tsih() != tsih) {
            throw new LoginRefused(LoginRefused.INITIATOR_ERROR, "ISID or TSIH changed during login");
        }
        List<KeyValue> pairs;
        try {
            pairs = text.append(req);
        } catch (NegotiationException e) {
            throw new LoginRefused(LoginRefused.INITIATOR_ERROR, "bad login text: " + e.getMessage());
        }
        if (pairs == null) {
            return response(false, req.currentStage(), 0, List.of(), statSN, windowSize); // more text to come
        }
        List<KeyValue> answers = new ArrayList<>();
        try {
            answers.addAll(neg.accept(pairs));
        } catch (NegotiationException e) {
            throw new LoginRefused(LoginRefused.INITIATOR_ERROR, e.getMessage());
        }
        if (!namesChecked) {
            checkNames(answers);
        }
        int csg = req.currentStage();
        if (csg == Pdu.Stage.SECURITY_NEGOTIATION) {
            security(pairs, answers);
        } else if (needsChap() && !authenticated) {
            throw new LoginRefused(LoginRefused.AUTHENTICATION_FAILURE,
                    "this target requires CHAP; the initiator skipped the security stage");
        }
        boolean canLeave = csg != Pdu.Stage.SECURITY_NEGOTIATION || authenticated || (!needsChap() && authMethod != null);
        boolean transit = req.transit() && canLeave;
        if (csg == Pdu.Stage.OPERATIONAL_NEGOTIATION || (transit && req.nextStage() == Pdu.Stage.FULL_FEATURE_PHASE)) {
            declareMaxRecv(answers);
        }
        if (transit && req.nextStage() == Pdu.Stage.FULL_FEATURE_PHASE) {
            pendingFinal = answers;
            pendingCsg = csg;
            return null;
        }
        return response(transit, csg, transit ? req.nextStage() : 0, answers, statSN, windowSize);
    }

    private List<KeyValue> pendingFinal;
    private int pendingCsg;

    /** The result of a complete login. */
    Outcome outcome() throws LoginRefused {
        try {
            SessionParameters p = neg.parameters();
            return new Outcome(p, discovery, node, initiatorName, isid, cmdSN);
        } catch (NegotiationException e) {
            throw new LoginRefused(LoginRefused.INITIATOR_ERROR, "negotiation failed: " + e.getMessage());
        }
    }

    /** The response that enters the full feature phase, with the session's TSIH. */
    Pdu.LoginResponse finalResponse(int newTsih, int statSN, int windowSize) {
        tsih = newTsih;
        return response(true, pendingCsg, Pdu.Stage.FULL_FEATURE_PHASE, pendingFinal, statSN, windowSize);
    }

    /** A refusal (§11.13.5): no stage transition, the status says why. */
    Pdu.LoginResponse refusal(LoginRefused r, int statSN, int windowSize) {
        return new Pdu.LoginResponse(false, false, 0, 0, 0, 0, isid, 0, itt, statSN, cmdSN, cmdSN + windowSize - 1,
                r.statusClass(), r.statusDetail(), Bytes.EMPTY);
    }

    private Pdu.LoginResponse response(boolean transit, int csg, int nsg, List<KeyValue> pairs, int statSN,
            int windowSize) {
        return new Pdu.LoginResponse(transit, false, csg, nsg, 0, 0, isid, tsih, itt, statSN, cmdSN,
                cmdSN + windowSize - 1, 0, 0, Bytes.of(TextCodec.encode(pairs)));
    }

    private boolean needsChap() {
        return ctx.initiatorChap() != null;
    }

    private void checkNames(List<KeyValue> answers) throws LoginRefused {
        namesChecked = true;
        Map<Key, String> declared = neg.initiatorDeclared();
        initiatorName = declared.get(Key.INITIATOR_NAME);
        if (initiatorName == null) {
            throw new LoginRefused(LoginRefused.MISSING_PARAMETER, "the first Login Request lacks InitiatorName");
        }
        discovery = neg.isDiscovery();
        if (discovery) {
            return;
        }
        String targetName = declared.get(Key.TARGET_NAME);
        if (targetName == null) {
            throw new LoginRefused(LoginRefused.MISSING_PARAMETER, "a normal session's first Login Request lacks TargetName");
        }
        node = ctx.target(targetName);
        if (node == null) {
            throw new LoginRefused(LoginRefused.NOT_FOUND, "no target " + targetName + " here");
        }
        answers.addAll(neg.declaration(Key.TARGET_PORTAL_GROUP_TAG));
        if (node.alias() != null) {
            answers.add(KeyValue.of(Key.TARGET_ALIAS.wireName(), node.alias()));
        }
    }

    private void declareMaxRecv(List<KeyValue> answers) {
        if (!sentMaxRecv) {
            sentMaxRecv = true;
            answers.addAll(neg.declaration(Key.MAX_RECV_DATA_SEGMENT_LENGTH));
        }
    }

    private void security(List<KeyValue> pairs, List<KeyValue> answers) throws LoginRefused {
        String offered = value(pairs, Key.AUTH_METHOD.wireName());
        if (offered != null) {
            if (authMethod != null) {
                throw new LoginRefused(LoginRefused.INITIATOR_ERROR, "AuthMethod offered twice");
            }
            String a = NegotiationRules.answer(Key.AUTH_METHOD, offered, needsChap() ? "CHAP" : "None");
            if (a.equals(TextValues.REJECT)) {
                throw new LoginRefused(LoginRefused.AUTHENTICATION_FAILURE, "AuthMethod=" + offered + ": this target "
                        + (needsChap() ? "requires CHAP" : "uses no authentication"));
            }
            authMethod = a;
            answers.add(KeyValue.of(Key.AUTH_METHOD.wireName(), a));
            if (a.equals("CHAP")) {
                chap = new ChapTarget(ctx.initiatorChap(), ctx.targetChap(), ctx.random());
            }
        }
        try {
            if (chap != null && value(pairs, "CHAP_A") != null) {
                answers.addAll(chap.onAlgorithms(pairs));
            } else if (chap != null && value(pairs, "CHAP_N") != null) {
                answers.addAll(chap.onResponse(pairs));
                authenticated = chap.isComplete();
            } else if (offered == null && authMethod == null) {
                throw new LoginRefused(LoginRefused.AUTHENTICATION_FAILURE, "no AuthMethod offered");
            }
        } catch (ChapException e) {
            throw new LoginRefused(LoginRefused.AUTHENTICATION_FAILURE, "CHAP: " + e.getMessage());
        }
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
