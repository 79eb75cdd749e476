package io.mpath4j.iscsi.login;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The initiator's CHAP exchange in the security stage (RFC 7143 §12.1.3), one-way or mutual:
 *
 * <pre>
 *   I-&gt;T  CHAP_A=5                                  {@link #algorithmOffer()}
 *   T-&gt;I  CHAP_A=5 CHAP_I=&lt;I&gt; CHAP_C=&lt;C&gt;
 *   I-&gt;T  CHAP_N=&lt;N&gt; CHAP_R=&lt;R&gt; [CHAP_I CHAP_C]     {@link #onChallenge(List)}
 *   T-&gt;I  [CHAP_N=&lt;N&gt; CHAP_R=&lt;R&gt;]                  {@link #onTargetResponse(List)} (mutual only)
 * </pre>
 *
 * <p>Rules enforced: only MD5 is offered and accepted; the target's challenge must not equal the
 * challenge this initiator sends (a reflection; RFC 7143 §12.1.3 "Originators MUST NOT reuse the
 * CHAP challenge sent by the Responder for the other direction"; our challenge is drawn before the
 * target's arrives, so equality means the target reflected it back or the generator is broken);
 * secrets shorter than {@code minSecretLength} are refused (RFC 7143 §9.2.1 asks for at least 96
 * random bits unless IPsec protects the exchange; the default is 12 bytes); in mutual CHAP the
 * two secrets must differ (§9.2.1: a secret used to authenticate initiators MUST NOT be used to
 * authenticate targets). The target's response is checked in constant time.
 *
 * <p>Randomness is injected (a {@link java.security.SecureRandom} in production, a seeded generator
 * in tests). One instance per login; no I/O.
 */
public final class ChapInitiator {

    /** Default minimum secret length in bytes (96 bits). */
    public static final int DEFAULT_MIN_SECRET_LENGTH = 12;

    /** Length of the challenge this initiator sends in mutual CHAP. */
    public static final int CHALLENGE_LENGTH = 16;

    private enum State { START, OFFERED, RESPONDED, DONE, FAILED }

    private final ChapCredentials initiator;
    private final ChapCredentials target;
    private final int ourIdentifier;
    private final byte[] ourChallenge;
    private State state = State.START;

    /**
     * @param initiator our name and secret (CHAP_N, and the secret the target checks us with)
     * @param target for mutual CHAP, the target's expected name and secret; {@code null} for one-way
     */
    public ChapInitiator(ChapCredentials initiator, ChapCredentials target, RandomGenerator random, int minSecretLength)
            throws ChapException {
        this.initiator = Objects.requireNonNull(initiator, "initiator");
        this.target = target;
        if (initiator.secretLength() < minSecretLength) {
            throw new ChapException("the initiator CHAP secret has " + initiator.secretLength()
                    + " bytes; at least " + minSecretLength + " are required (RFC 7143 §9.2.1)");
        }
        if (target != null) {
            if (target.secretLength() < minSecretLength) {
                throw new ChapException("the target CHAP secret has " + target.secretLength()
                        + " bytes; at least " + minSecretLength + " are required (RFC 7143 §9.2.1)");
            }
            if (target.sameSecret(initiator)) {
                throw new ChapException("mutual CHAP with the same secret in both directions (RFC 7143 §9.2.1)");
            }
            this.ourIdentifier = random.nextInt(256);
            this.ourChallenge = new byte[CHALLENGE_LENGTH];
            random.nextBytes(ourChallenge);
        } else {
            this.ourIdentifier = -1;
            this.ourChallenge = null;
        }
    }

    public ChapInitiator(ChapCredentials initiator, ChapCredentials target, RandomGenerator random) throws ChapException {
        this(initiator, target, random, DEFAULT_MIN_SECRET_LENGTH);
    }

    public boolean isMutual() {
        return target != null;
    }

    /** Step 1: {@code CHAP_A=5}. */
    public List<KeyValue> algorithmOffer() {
        expect(State.START);
        state = State.OFFERED;
        return List.of(KeyValue.of("CHAP_A", Integer.toString(Chap.ALGORITHM_MD5)));
    }

    /** Step 3: the answer to the target's CHAP_A, CHAP_I and CHAP_C. */
    public List<KeyValue> onChallenge(List<KeyValue> fromTarget) throws ChapException {
        expect(State.OFFERED);
        state = State.FAILED;
        Map<String, String> keys = ChapKeys.of(fromTarget);
        String a = required(keys, "CHAP_A");
        if (!a.equals(Integer.toString(Chap.ALGORITHM_MD5))) {
            throw new ChapException("the target chose CHAP_A=" + a + "; only 5 (MD5) was offered");
        }
        int identifier = (int) ChapKeys.number("CHAP_I", required(keys, "CHAP_I"), 0, 255);
        byte[] challenge = ChapKeys.binary("CHAP_C", required(keys, "CHAP_C"));
        if (challenge.length == 0) {
            throw new ChapException("empty CHAP_C");
        }
        if (ourChallenge != null && Arrays.equals(challenge, ourChallenge)) {
            throw new ChapException("the target's CHAP_C equals the challenge this initiator sends (reflection)");
        }
        byte[] response = Chap.response(identifier, initiator.secretUnsafe(), challenge);
        state = State.RESPONDED;
        if (ourChallenge == null) {
            state = State.DONE;
            return List.of(KeyValue.of("CHAP_N", initiator.name()), KeyValue.of("CHAP_R", TextValues.hex(response)));
        }
        return List.of(KeyValue.of("CHAP_N", initiator.name()), KeyValue.of("CHAP_R", TextValues.hex(response)),
                KeyValue.of("CHAP_I", Integer.toString(ourIdentifier)),
                KeyValue.of("CHAP_C", TextValues.hex(ourChallenge)));
    }

    /** Step 4 of mutual CHAP: checks the target's CHAP_N and CHAP_R. */
    public void onTargetResponse(List<KeyValue> fromTarget) throws ChapException {
        if (target == null) {
            throw new IllegalStateException("one-way CHAP has no target response");
        }
        expect(State.RESPONDED);
        state = State.FAILED;
        Map<String, String> keys = ChapKeys.of(fromTarget);
        String name = required(keys, "CHAP_N");
        if (!name.equals(target.name())) {
            throw new ChapException("the target's CHAP_N " + KeyValue.quoted(name) + " is not the expected "
                    + KeyValue.quoted(target.name()));
        }
        byte[] response = ChapKeys.binary("CHAP_R", required(keys, "CHAP_R"));
        if (!Chap.verify(ourIdentifier, target.secretUnsafe(), ourChallenge, response)) {
            throw new ChapException("the target's CHAP_R is wrong: target authentication failed");
        }
        state = State.DONE;
    }

    /** True when this side's part is done: one-way after step 3, mutual after a good step 4. */
    public boolean isComplete() {
        return state == State.DONE;
    }

    /** The identifier of our challenge (mutual only; for tests and the target's check). */
    public int ourIdentifier() {
        return ourIdentifier;
    }

    /** Our challenge (mutual only). */
    public byte[] ourChallenge() {
        return ourChallenge == null ? null : ourChallenge.clone();
    }

    private void expect(State s) {
        if (state != s) {
            throw new IllegalStateException("CHAP step out of order: in state " + state + ", expected " + s);
        }
    }

    private static String required(Map<String, String> keys, String key) throws ChapException {
        String v = keys.get(key);
        if (v == null) {
            throw new ChapException(key + " is missing");
        }
        return v;
    }
}
