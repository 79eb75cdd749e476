package io.mpath4j.iscsi.login;

import io.mpath4j.iscsi.pdu.Digests;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The operational parameters of a session and its leading connection after login (RFC 7143 §13),
 * each negotiated or else its §13 default. MaxRecvDataSegmentLength is declarative and per
 * direction (§13.12): {@link #initiatorMaxRecvDataSegmentLength} is what the initiator receives
 * (the limit for the target's PDUs), {@link #targetMaxRecvDataSegmentLength} what the target
 * receives (the limit for the initiator's PDUs).
 */
public record SessionParameters(boolean headerDigest, boolean dataDigest, int maxConnections, boolean initialR2T,
        boolean immediateData, int initiatorMaxRecvDataSegmentLength, int targetMaxRecvDataSegmentLength,
        int maxBurstLength, int firstBurstLength, int defaultTime2Wait, int defaultTime2Retain, int maxOutstandingR2T,
        boolean dataPDUInOrder, boolean dataSequenceInOrder, int errorRecoveryLevel, boolean discovery,
        String targetName, String initiatorName, String targetAlias, String initiatorAlias,
        OptionalInt targetPortalGroupTag) {

    /** Every key at its §13 default (a Normal session, no names). */
    public static SessionParameters defaults() {
        try {
            return from(Map.of(), Map.of(), Map.of());
        } catch (NegotiationException e) {
            throw new AssertionError(e);
        }
    }

    /** The digests to use on the connection once login completes. */
    public Digests digests() {
        return new Digests(headerDigest, dataDigest);
    }

    /**
     * Parameters from negotiated results and declarations; missing keys take their §13 defaults.
     *
     * @param results negotiated values (as {@link NegotiationRules#result} returns them)
     * @param initiatorDeclared the initiator's declarative keys
     * @param targetDeclared the target's declarative keys
     * @throws NegotiationException a value out of its key's range, or FirstBurstLength over
     *     MaxBurstLength (§13.14) where FirstBurstLength matters
     */
    public static SessionParameters from(Map<Key, String> results, Map<Key, String> initiatorDeclared,
            Map<Key, String> targetDeclared) throws NegotiationException {
        Map<Key, String> v = new EnumMap<>(Key.class);
        for (Key k : Key.values()) {
            if (k.defaultValue() != null) {
                v.put(k, k.defaultValue());
            }
        }
        v.putAll(results);
        boolean initialR2T = bool(v, Key.INITIAL_R2T);
        boolean immediateData = bool(v, Key.IMMEDIATE_DATA);
        int maxBurst = num(v, Key.MAX_BURST_LENGTH);
        int firstBurst = num(v, Key.FIRST_BURST_LENGTH);
        if (firstBurst > maxBurst && !(initialR2T && !immediateData)) {
            throw new NegotiationException("FirstBurstLength " + firstBurst + " exceeds MaxBurstLength " + maxBurst
                    + " (RFC 7143 §13.14)");
        }
        String sessionType = initiatorDeclared.getOrDefault(Key.SESSION_TYPE, "Normal");
        if (!Key.SESSION_TYPE.knownValues().contains(sessionType)) {
            throw new NegotiationException("SessionType=" + sessionType + " is neither Discovery nor Normal");
        }
        String tpgt = targetDeclared.get(Key.TARGET_PORTAL_GROUP_TAG);
        return new SessionParameters(
                v.get(Key.HEADER_DIGEST).equals("CRC32C"),
                v.get(Key.DATA_DIGEST).equals("CRC32C"),
                num(v, Key.MAX_CONNECTIONS), initialR2T, immediateData,
                declaredNumber(initiatorDeclared, Key.MAX_RECV_DATA_SEGMENT_LENGTH),
                declaredNumber(targetDeclared, Key.MAX_RECV_DATA_SEGMENT_LENGTH),
                maxBurst, firstBurst,
                num(v, Key.DEFAULT_TIME2WAIT), num(v, Key.DEFAULT_TIME2RETAIN), num(v, Key.MAX_OUTSTANDING_R2T),
                bool(v, Key.DATA_PDU_IN_ORDER), bool(v, Key.DATA_SEQUENCE_IN_ORDER), num(v, Key.ERROR_RECOVERY_LEVEL),
                sessionType.equals("Discovery"),
                targetDeclared.getOrDefault(Key.TARGET_NAME, initiatorDeclared.get(Key.TARGET_NAME)),
                initiatorDeclared.get(Key.INITIATOR_NAME),
                targetDeclared.get(Key.TARGET_ALIAS),
                initiatorDeclared.get(Key.INITIATOR_ALIAS),
                tpgt == null ? OptionalInt.empty()
                        : OptionalInt.of((int) TextValues.number(Key.TARGET_PORTAL_GROUP_TAG.wireName(), tpgt, 0, 65535)));
    }

    private static int declaredNumber(Map<Key, String> declared, Key key) throws NegotiationException {
        return (int) TextValues.number(key.wireName(), declared.getOrDefault(key, key.defaultValue()), key.min(), key.max());
    }

    private static int num(Map<Key, String> v, Key key) throws NegotiationException {
        return (int) TextValues.number(key.wireName(), v.get(key), key.min(), key.max());
    }

    private static boolean bool(Map<Key, String> v, Key key) throws NegotiationException {
        return TextValues.bool(key.wireName(), v.get(key));
    }
}
