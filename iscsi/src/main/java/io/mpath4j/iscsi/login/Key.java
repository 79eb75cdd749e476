package io.mpath4j.iscsi.login;

import java.util.List;
import java.util.Optional;

/**
 * The login and text keys of RFC 7143 §13 (and AuthMethod, §12.1, and SendTargets, §13.3) with
 * their value type, result function, range and default.
 */
public enum Key {
    HEADER_DIGEST("HeaderDigest", Function.LIST, "None", 0, 0, List.of("CRC32C", "None")),          // §13.1
    DATA_DIGEST("DataDigest", Function.LIST, "None", 0, 0, List.of("CRC32C", "None")),              // §13.1
    MAX_CONNECTIONS("MaxConnections", Function.MIN, "1", 1, 65535, List.of()),                      // §13.2
    SEND_TARGETS("SendTargets", Function.DECLARATIVE, null, 0, 0, List.of()),                       // §13.3
    TARGET_NAME("TargetName", Function.DECLARATIVE, null, 0, 0, List.of()),                         // §13.4
    INITIATOR_NAME("InitiatorName", Function.DECLARATIVE, null, 0, 0, List.of()),                   // §13.5
    TARGET_ALIAS("TargetAlias", Function.DECLARATIVE, null, 0, 0, List.of()),                       // §13.6
    INITIATOR_ALIAS("InitiatorAlias", Function.DECLARATIVE, null, 0, 0, List.of()),                 // §13.7
    TARGET_ADDRESS("TargetAddress", Function.DECLARATIVE, null, 0, 0, List.of()),                   // §13.8
    TARGET_PORTAL_GROUP_TAG("TargetPortalGroupTag", Function.DECLARATIVE, null, 0, 65535, List.of()), // §13.9
    INITIAL_R2T("InitialR2T", Function.OR, "Yes", 0, 0, List.of()),                                 // §13.10
    IMMEDIATE_DATA("ImmediateData", Function.AND, "Yes", 0, 0, List.of()),                          // §13.11
    MAX_RECV_DATA_SEGMENT_LENGTH("MaxRecvDataSegmentLength", Function.DECLARATIVE, "8192", 512, 16777215, List.of()), // §13.12
    MAX_BURST_LENGTH("MaxBurstLength", Function.MIN, "262144", 512, 16777215, List.of()),           // §13.13
    FIRST_BURST_LENGTH("FirstBurstLength", Function.MIN, "65536", 512, 16777215, List.of()),        // §13.14
    DEFAULT_TIME2WAIT("DefaultTime2Wait", Function.MAX, "2", 0, 3600, List.of()),                   // §13.15
    DEFAULT_TIME2RETAIN("DefaultTime2Retain", Function.MIN, "20", 0, 3600, List.of()),              // §13.16
    MAX_OUTSTANDING_R2T("MaxOutstandingR2T", Function.MIN, "1", 1, 65535, List.of()),               // §13.17
    DATA_PDU_IN_ORDER("DataPDUInOrder", Function.OR, "Yes", 0, 0, List.of()),                       // §13.18
    DATA_SEQUENCE_IN_ORDER("DataSequenceInOrder", Function.OR, "Yes", 0, 0, List.of()),             // §13.19
    ERROR_RECOVERY_LEVEL("ErrorRecoveryLevel", Function.MIN, "0", 0, 2, List.of()),                 // §13.20
    SESSION_TYPE("SessionType", Function.DECLARATIVE, "Normal", 0, 0, List.of("Discovery", "Normal")), // §13.21
    AUTH_METHOD("AuthMethod", Function.LIST, "None", 0, 0, List.of("CHAP", "None"));                // §12.1

    /** How the result of a negotiation is formed (§6.2). */
    public enum Function {
        /** The acceptor picks the first offered value it supports (§6.2.1). */
        LIST,
        /** Numerical, the smaller of offer and acceptor's value. */
        MIN,
        /** Numerical, the larger of offer and acceptor's value. */
        MAX,
        /** Boolean OR. */
        OR,
        /** Boolean AND. */
        AND,
        /** Not negotiated: each side states its own value, no answer (§6.2 "declarative"). */
        DECLARATIVE
    }

    private final String wireName;
    private final Function function;
    private final String defaultValue;
    private final long min;
    private final long max;
    private final List<String> knownValues;

    Key(String wireName, Function function, String defaultValue, long min, long max, List<String> knownValues) {
        this.wireName = wireName;
        this.function = function;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.knownValues = knownValues;
    }

    public String wireName() {
        return wireName;
    }

    public Function function() {
        return function;
    }

    /** The value in force when the key is not negotiated (§13), or {@code null} if there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** Values this implementation understands, for list keys. */
    public List<String> knownValues() {
        return knownValues;
    }

    public boolean isNumerical() {
        return function == Function.MIN || function == Function.MAX || this == MAX_RECV_DATA_SEGMENT_LENGTH
                || this == TARGET_PORTAL_GROUP_TAG;
    }

    public boolean isBoolean() {
        return function == Function.OR || function == Function.AND;
    }

    public static Optional<Key> of(String wireName) {
        for (Key k : values()) {
            if (k.wireName.equals(wireName)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
