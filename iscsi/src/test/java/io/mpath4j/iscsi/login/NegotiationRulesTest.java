package io.mpath4j.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The result functions of RFC 7143 §6.2 per key of §13, as tables. */
class NegotiationRulesTest {

    /** key | offered | acceptor's own value | acceptor's answer. */
    @ParameterizedTest(name = "{0}: offer {1}, local {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            HeaderDigest         | CRC32C,None | None,CRC32C | CRC32C
            HeaderDigest         | None,CRC32C | CRC32C      | CRC32C
            HeaderDigest         | CRC32C      | None        | Reject
            DataDigest           | None        | CRC32C,None | None
            AuthMethod           | CHAP,None   | CHAP        | CHAP
            MaxConnections       | 4           | 1           | 1
            MaxBurstLength       | 1048576     | 262144      | 262144
            MaxBurstLength       | 4096        | 262144      | 4096
            MaxBurstLength       | 100         | 262144      | Reject
            FirstBurstLength     | 65536       | 0x4000      | 16384
            DefaultTime2Wait     | 0           | 2           | 2
            DefaultTime2Wait     | 5           | 2           | 5
            DefaultTime2Retain   | 0           | 20          | 0
            DefaultTime2Retain   | 3601        | 20          | Reject
            MaxOutstandingR2T    | 8           | 1           | 1
            ErrorRecoveryLevel   | 2           | 0           | 0
            ErrorRecoveryLevel   | 3           | 0           | Reject
            InitialR2T           | No          | Yes         | Yes
            InitialR2T           | No          | No          | No
            InitialR2T           | Yes         | No          | Yes
            ImmediateData        | Yes         | Yes         | Yes
            ImmediateData        | Yes         | No          | No
            ImmediateData        | No          | Yes         | No
            DataPDUInOrder       | No          | No          | No
            DataPDUInOrder       | No          | Yes         | Yes
            DataSequenceInOrder  | No          | Yes         | Yes
            DataSequenceInOrder  | maybe       | Yes         | Reject
            """)
    void acceptorAnswers(String key, String offered, String local, String answer) {
        assertThat(NegotiationRules.answer(Key.of(key).orElseThrow(), offered, local)).isEqualTo(answer);
    }

    /** key | offered | answer | negotiated result ("-" = not negotiated: the default holds). */
    @ParameterizedTest(name = "{0}: offer {1}, answer {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            HeaderDigest         | CRC32C,None | CRC32C        | CRC32C
            HeaderDigest         | CRC32C,None | None          | None
            HeaderDigest         | CRC32C      | Reject        | -
            MaxBurstLength       | 1048576     | 262144        | 262144
            MaxBurstLength       | 1048576     | 0x40000       | 262144
            MaxBurstLength       | 1048576     | 1048576       | 1048576
            MaxBurstLength       | 1048576     | Irrelevant    | -
            MaxBurstLength       | 1048576     | NotUnderstood | -
            MaxBurstLength       | 1048576     | null          | -
            DefaultTime2Wait     | 0           | 2             | 2
            DefaultTime2Retain   | 60          | 20            | 20
            ErrorRecoveryLevel   | 2           | 1             | 1
            InitialR2T           | No          | Yes           | Yes
            InitialR2T           | No          | No            | No
            InitialR2T           | Yes         | null          | Yes
            InitialR2T           | No          | null          | -
            ImmediateData        | Yes         | No            | No
            ImmediateData        | No          | null          | No
            ImmediateData        | No          | No            | No
            DataPDUInOrder       | Yes         | Yes           | Yes
            """)
    void originatorResults(String key, String offered, String answer, String result) throws Exception {
        String r = NegotiationRules.result(Key.of(key).orElseThrow(), offered, answer);
        assertThat(r == null ? "-" : r).isEqualTo(result);
    }

    /** Answers the originator MUST treat as a protocol error. */
    @ParameterizedTest(name = "{0}: offer {1}, illegal answer {2}")
    @CsvSource(delimiter = '|', textBlock = """
            HeaderDigest         | None        | CRC32C
            HeaderDigest         | CRC32C,None | crc32c
            MaxBurstLength       | 65536       | 131072
            MaxBurstLength       | 65536       | 256
            MaxBurstLength       | 65536       | 16777216
            MaxBurstLength       | 65536       | lots
            MaxConnections       | 1           | 0
            DefaultTime2Wait     | 5           | 2
            DefaultTime2Retain   | 20          | 3601
            ErrorRecoveryLevel   | 0           | 1
            MaxOutstandingR2T    | 1           | 2
            InitialR2T           | Yes         | No
            ImmediateData        | No          | Yes
            ImmediateData        | Yes         | Maybe
            MaxRecvDataSegmentLength | 8192    | 4096
            """)
    void illegalAnswers(String key, String offered, String answer) {
        assertThatThrownBy(() -> NegotiationRules.result(Key.of(key).orElseThrow(), offered, answer))
                .isInstanceOf(NegotiationException.class);
    }
}
