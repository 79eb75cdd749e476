package io.mpath4j.iscsi.login;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The initiator's side of operational parameter negotiation during login (RFC 7143 §6.2, §13): it
 * offers its values, checks the target's answers against the result functions, answers the
 * target's own offers, records the target's declarations, and produces {@link SessionParameters}.
 * A small state holder for one login; no I/O.
 *
 * <p>An offered key the target never answers keeps its §13 default, except booleans whose offer
 * decides the result (§6.2.2: OR offered Yes, AND offered No). Unknown keys from the target are
 * answered {@code NotUnderstood} (§6.2).
 */
public final class InitiatorNegotiation {

    /** Keys only the initiator sends. */
    private static final Set<Key> INITIATOR_ONLY =
            EnumSet.of(Key.INITIATOR_NAME, Key.INITIATOR_ALIAS, Key.SESSION_TYPE, Key.SEND_TARGETS);
    /** Declarative keys the target sends. */
    private static final Set<Key> TARGET_DECLARATIONS = EnumSet.of(Key.TARGET_ALIAS, Key.TARGET_PORTAL_GROUP_TAG,
            Key.TARGET_ADDRESS, Key.MAX_RECV_DATA_SEGMENT_LENGTH, Key.TARGET_NAME);

    private final Map<Key, String> offers;
    private final Map<Key, String> declarations;
    private final Map<Key, String> results = new EnumMap<>(Key.class);
    private final Set<Key> answered = EnumSet.noneOf(Key.class);
    private final Map<Key, String> targetDeclared = new EnumMap<>(Key.class);
    private final List<String> notUnderstood = new ArrayList<>();

    /**
     * @param offers negotiable keys and the values to offer (a preference list for LIST keys)
     * @param declarations the initiator's declarative keys (InitiatorName, SessionType, TargetName,
     *     InitiatorAlias, MaxRecvDataSegmentLength)
     */
    public InitiatorNegotiation(Map<Key, String> offers, Map<Key, String> declarations) {
        for (Key k : offers.keySet()) {
            if (k.function() == Key.Function.DECLARATIVE) {
                throw new IllegalArgumentException(k.wireName() + " is declarative, not offered");
            }
        }
        for (Key k : declarations.keySet()) {
            if (k.function() != Key.Function.DECLARATIVE) {
                throw new IllegalArgumentException(k.wireName() + " is negotiated, not declared");
            }
        }
        this.offers = new LinkedHashMap<>(offers);
        this.declarations = new LinkedHashMap<>(declarations);
    }

    /** The declarations and offers, for the first Login Request of the operational stage. */
    public List<KeyValue> firstMessage() {
        List<KeyValue> out = new ArrayList<>();
        declarations.forEach((k, v) -> out.add(KeyValue.of(k.wireName(), v)));
        offers.forEach((k, v) -> out.add(KeyValue.of(k.wireName(), v)));
        return out;
    }

    /**
     * Takes the pairs of one target message (a whole text, {@link TextAssembler}).
     *
     * @return the initiator's answers to keys the target offered itself (possibly none)
     * @throws NegotiationException an illegal answer or declaration
     */
    public List<KeyValue> accept(List<KeyValue> fromTarget) throws NegotiationException {
        List<KeyValue> replies = new ArrayList<>();
        for (KeyValue kv : fromTarget) {
            Key key = Key.of(kv.key()).orElse(null);
            if (key == null) {
                if (!NegotiationRules.isSpecial(kv.value())) {
                    notUnderstood.add(kv.key());
                    replies.add(KeyValue.of(kv.key(), TextValues.NOT_UNDERSTOOD));
                }
                continue;
            }
            if (INITIATOR_ONLY.contains(key)) {
                throw new NegotiationException(key.wireName() + " is sent by the initiator, not the target");
            }
            if (key == Key.AUTH_METHOD) {
                throw new NegotiationException("AuthMethod belongs to the security stage");
            }
            if (key.function() == Key.Function.DECLARATIVE) {
                if (!TARGET_DECLARATIONS.contains(key)) {
                    throw new NegotiationException(key.wireName() + " is not declared by a target");
                }
                if (key.isNumerical()) {
                    TextValues.number(key.wireName(), kv.value(), key.min(), key.max());
                }
                targetDeclared.put(key, kv.value());
                continue;
            }
            if (offers.containsKey(key)) {
                if (!answered.add(key)) {
                    throw new NegotiationException(key.wireName() + " answered twice");
                }
                String r = NegotiationRules.result(key, offers.get(key), kv.value());
                if (r != null) {
                    results.put(key, r);
                }
            } else {
                // the target originates this key: we are the acceptor
                if (NegotiationRules.isSpecial(kv.value())) {
                    continue;
                }
                if (!answered.add(key)) {
                    throw new NegotiationException(key.wireName() + " offered twice");
                }
                String local = key.defaultValue();
                String a = NegotiationRules.answer(key, kv.value(), local);
                replies.add(KeyValue.of(key.wireName(), a));
                if (!NegotiationRules.isSpecial(a)) {
                    results.put(key, a);
                }
            }
        }
        return replies;
    }

    /** Keys offered but not yet answered. */
    public Set<Key> unanswered() {
        Set<Key> out = EnumSet.noneOf(Key.class);
        for (Key k : offers.keySet()) {
            if (!answered.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Unknown keys the target sent (answered NotUnderstood). */
    public List<String> notUnderstood() {
        return List.copyOf(notUnderstood);
    }

    /** The result, once login ends; unanswered keys take their defaults (or decided booleans). */
    public SessionParameters parameters() throws NegotiationException {
        Map<Key, String> r = new EnumMap<>(results);
        for (Key k : unanswered()) {
            String decided = NegotiationRules.result(k, offers.get(k), null);
            if (decided != null) {
                r.put(k, decided);
            }
        }
        Map<Key, String> mine = new EnumMap<>(Key.class);
        mine.putAll(declarations);
        return SessionParameters.from(r, mine, targetDeclared);
    }
}
