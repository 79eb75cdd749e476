package io.mpath4j.iscsi.login;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The target's side of login key negotiation (RFC 7143 §6.2, §13), the mirror image of {@link
 * InitiatorNegotiation}: it records the initiator's declarations (InitiatorName, InitiatorAlias,
 * SessionType, TargetName, MaxRecvDataSegmentLength), answers each offered key with the result
 * function of §6.2 applied to the offer and this target's own value ({@link
 * NegotiationRules#answer}), and produces the {@link SessionParameters} at the end. A small state
 * holder for one login; no I/O.
 *
 * <p>Rules: a key offered twice is a protocol error (§6.2 "a key MUST NOT be offered more than
 * once"); an unknown key is answered {@code NotUnderstood}; the RFC 3720 marker keys (IFMarker,
 * OFMarker), which RFC 7143 dropped but older initiators still send, are answered {@code No}; a key
 * only a target may send (TargetAlias, TargetAddress, TargetPortalGroupTag) is a protocol error.
 * FirstBurstLength is answered at most the MaxBurstLength already agreed (§13.14: it MUST NOT
 * exceed it).
 */
public final class TargetNegotiation {

    private static final Set<Key> INITIATOR_DECLARATIONS = EnumSet.of(Key.INITIATOR_NAME, Key.INITIATOR_ALIAS,
            Key.SESSION_TYPE, Key.TARGET_NAME, Key.MAX_RECV_DATA_SEGMENT_LENGTH);
    private static final Set<Key> TARGET_ONLY =
            EnumSet.of(Key.TARGET_ALIAS, Key.TARGET_ADDRESS, Key.TARGET_PORTAL_GROUP_TAG);
    private static final Set<String> OBSOLETE_MARKERS = Set.of("IFMarker", "OFMarker");

    private final Map<Key, String> local;
    private final Map<Key, String> declarations;
    private final Map<Key, String> results = new EnumMap<>(Key.class);
    private final Map<Key, String> initiatorDeclared = new EnumMap<>(Key.class);
    private final Set<String> seen = new HashSet<>();

    /**
     * @param local this target's value per negotiable key: its acceptable values in order of
     *     preference for list keys, its limit for numerical keys, its own value for booleans; keys
     *     missing here are answered with their §13 default
     * @param declarations this target's declarative keys (MaxRecvDataSegmentLength, TargetAlias,
     *     TargetPortalGroupTag), sent by the login code where the RFC asks for them
     */
    public TargetNegotiation(Map<Key, String> local, Map<Key, String> declarations) {
        for (Key k : local.keySet()) {
            if (k.function() == Key.Function.DECLARATIVE) {
                throw new IllegalArgumentException(k.wireName() + " is declarative, not negotiated");
            }
        }
        this.local = new EnumMap<>(local);
        this.declarations = new LinkedHashMap<>(declarations);
    }

    /**
     * Takes the pairs of one initiator message (a whole text, {@link TextAssembler}) and returns
     * the answers.
     *
     * @throws NegotiationException a key sent twice, a target-only key, a malformed declaration
     */
    public List<KeyValue> accept(List<KeyValue> fromInitiator) throws NegotiationException {
        List<KeyValue> answers = new ArrayList<>();
        for (KeyValue kv : fromInitiator) {
            String name = kv.key();
            if (name.startsWith("CHAP_") || name.equals(Key.AUTH_METHOD.wireName())) {
                continue; // the security stage's business
            }
            if (!seen.add(name)) {
                throw new NegotiationException(name + " sent twice in one login (RFC 7143 §6.2)");
            }
            Key key = Key.of(name).orElse(null);
            if (key == null) {
                if (OBSOLETE_MARKERS.contains(name)) {
                    answers.add(KeyValue.of(name, TextValues.NO));
                } else if (!NegotiationRules.isSpecial(kv.value())) {
                    answers.add(KeyValue.of(name, TextValues.NOT_UNDERSTOOD));
                }
                continue;
            }
            if (TARGET_ONLY.contains(key)) {
                throw new NegotiationException(name + " is sent by a target, not by an initiator");
            }
            if (key == Key.SEND_TARGETS) {
                throw new NegotiationException("SendTargets belongs to a Text Request, not to login");
            }
            if (INITIATOR_DECLARATIONS.contains(key)) {
                declare(key, kv.value());
                continue;
            }
            if (NegotiationRules.isSpecial(kv.value())) {
                continue; // an answer to nothing we offered
            }
            String mine = local.getOrDefault(key, key.defaultValue());
            if (key == Key.FIRST_BURST_LENGTH && results.containsKey(Key.MAX_BURST_LENGTH)) {
                long cap = Math.min(Long.parseLong(mine), Long.parseLong(results.get(Key.MAX_BURST_LENGTH)));
                mine = Long.toString(cap);
            }
            String answer = NegotiationRules.answer(key, kv.value(), mine);
            answers.add(KeyValue.of(name, answer));
            if (!NegotiationRules.isSpecial(answer)) {
                results.put(key, answer);
            }
        }
        return answers;
    }

    private void declare(Key key, String value) throws NegotiationException {
        switch (key) {
            case MAX_RECV_DATA_SEGMENT_LENGTH -> TextValues.number(key.wireName(), value, key.min(), key.max());
            case SESSION_TYPE -> {
                if (!key.knownValues().contains(value)) {
                    throw new NegotiationException("SessionType=" + KeyValue.quoted(value) + " is neither Discovery nor Normal");
                }
            }
            default -> {
                if (value.isEmpty()) {
                    throw new NegotiationException(key.wireName() + " is empty");
                }
            }
        }
        initiatorDeclared.put(key, value);
    }

    /** What the initiator declared so far (InitiatorName, SessionType, TargetName, ...). */
    public Map<Key, String> initiatorDeclared() {
        return Map.copyOf(initiatorDeclared);
    }

    public boolean isDiscovery() {
        return "Discovery".equals(initiatorDeclared.get(Key.SESSION_TYPE));
    }

    /** The target's declaration of {@code key}, as a pair, or none if it has none. */
    public List<KeyValue> declaration(Key key) {
        String v = declarations.get(key);
        return v == null ? List.of() : List.of(KeyValue.of(key.wireName(), v));
    }

    /** The result, once login ends; keys never offered keep their §13 defaults. */
    public SessionParameters parameters() throws NegotiationException {
        Map<Key, String> mine = new EnumMap<>(Key.class);
        mine.putAll(declarations);
        return SessionParameters.from(results, initiatorDeclared, mine);
    }
}
