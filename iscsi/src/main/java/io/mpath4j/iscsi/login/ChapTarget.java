package io.mpath4j.iscsi.login;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The target's CHAP exchange in the security stage (RFC 7143 §12.1.3), the mirror image of {@link
 * ChapInitiator}:
 *
 * <pre>
 *   I-&gt;T  CHAP_A=&lt;A1,A2...&gt;                         {@link #onAlgorithms(List)}
 *   T-&gt;I  CHAP_A=5 CHAP_I=&lt;I&gt; CHAP_C=&lt;C&gt;
 *   I-&gt;T  CHAP_N=&lt;N&gt; CHAP_R=&lt;R&gt; [CHAP_I CHAP_C]     {@link #onResponse(List)}
 *   T-&gt;I  [CHAP_N=&lt;N&gt; CHAP_R=&lt;R&gt;]                  (mutual, when the initiator sent CHAP_I/CHAP_C)
 * </pre>
 *
 * <p>Only MD5 (CHAP_A=5) is accepted. The initiator is checked in constant time against one
 * account; mutual CHAP is answered only when a target secret is configured (an initiator that
 * asks the target to prove itself without one fails the login: it could not trust us). A
 * challenge from the initiator equal to ours is a reflection attack and fails the login (§12.1.3
 * "the originator MUST NOT reuse the CHAP challenge"). Every failure is a {@link ChapException},
 * which the login answers with Status-Class 2, Detail 1 "authentication failure".
 *
 * <p>One instance per login; randomness injected; no I/O.
 */
public final class ChapTarget {

    /** Length of the challenge the target sends. */
    public static final int CHALLENGE_LENGTH = 16;

    private enum State { START, CHALLENGED, DONE, FAILED }

    private final ChapCredentials initiator;
    private final ChapCredentials target;
    private final int identifier;
    private final byte[] challenge;
    private State state = State.START;

    /**
     * @param initiator the name and secret the initiator must prove
     * @param target the target's name and secret for mutual CHAP, or {@code null} if this target
     *     cannot prove itself
     */
    public ChapTarget(ChapCredentials initiator, ChapCredentials target, RandomGenerator random) {
        this.initiator = Objects.requireNonNull(initiator, "initiator");
        this.target = target;
        this.identifier = random.nextInt(256);
        this.challenge = new byte[CHALLENGE_LENGTH];
        random.nextBytes(challenge);
    }

    /** Step 2: picks MD5 from the initiator's CHAP_A list and sends the challenge. */
    public List<KeyValue> onAlgorithms(List<KeyValue> fromInitiator) throws ChapException {
        expect(State.START);
        state = State.FAILED;
        String offered = ChapKeys.of(fromInitiator).get("CHAP_A");
        if (offered == null) {
            throw new ChapException("CHAP_A is missing");
        }
        if (!TextValues.list(offered).contains(Integer.toString(Chap.ALGORITHM_MD5))) {
            throw new ChapException("CHAP_A=" + offered + " offers no algorithm this target supports (5, MD5)");
        }
        state = State.CHALLENGED;
        return List.of(KeyValue.of("CHAP_A", Integer.toString(Chap.ALGORITHM_MD5)),
                KeyValue.of("CHAP_I", Integer.toString(identifier)), KeyValue.of("CHAP_C", TextValues.hex(challenge)));
    }

    /**
     * Step 4: checks the initiator's CHAP_N and CHAP_R; with mutual CHAP (CHAP_I and CHAP_C sent)
     * returns the target's CHAP_N and CHAP_R, else nothing.
     */
    public List<KeyValue> onResponse(List<KeyValue> fromInitiator) throws ChapException {
        expect(State.CHALLENGED);
        state = State.FAILED;
        Map<String, String> keys = ChapKeys.of(fromInitiator);
        String name = keys.get("CHAP_N");
        String r = keys.get("CHAP_R");
        if (name == null || r == null) {
            throw new ChapException("CHAP_N or CHAP_R is missing");
        }
        byte[] response = ChapKeys.binary("CHAP_R", r);
        // check the secret even for a wrong name, so the time taken does not tell which was wrong
        boolean good = Chap.verify(identifier, initiator.secretUnsafe(), challenge, response);
        if (!name.equals(initiator.name()) || !good) {
            throw new ChapException("initiator authentication failed for CHAP_N " + KeyValue.quoted(name));
        }
        String i = keys.get("CHAP_I");
        String c = keys.get("CHAP_C");
        if (i == null && c == null) {
            state = State.DONE;
            return List.of();
        }
        if (i == null || c == null) {
            throw new ChapException("mutual CHAP needs both CHAP_I and CHAP_C");
        }
        if (target == null) {
            throw new ChapException("the initiator asks for mutual CHAP, but this target has no CHAP secret of its own");
        }
        int theirId = (int) ChapKeys.number("CHAP_I", i, 0, 255);
        byte[] theirChallenge = ChapKeys.binary("CHAP_C", c);
        if (theirChallenge.length == 0) {
            throw new ChapException("empty CHAP_C");
        }
        if (Arrays.equals(theirChallenge, challenge)) {
            throw new ChapException("the initiator's CHAP_C equals the target's challenge (reflection)");
        }
        state = State.DONE;
        return List.of(KeyValue.of("CHAP_N", target.name()),
                KeyValue.of("CHAP_R", TextValues.hex(Chap.response(theirId, target.secretUnsafe(), theirChallenge))));
    }

    public boolean isComplete() {
        return state == State.DONE;
    }

    /** The identifier of the challenge sent (for tests). */
    public int identifier() {
        return identifier;
    }

    /** The challenge sent (for tests). */
    public byte[] challenge() {
        return challenge.clone();
    }

    private void expect(State s) throws ChapException {
        if (state != s) {
            throw new ChapException("CHAP step out of order: in state " + state + ", expected " + s);
        }
    }
}
