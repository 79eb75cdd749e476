package io.mpath4j.iscsi.pdu;

/**
 * Serial number arithmetic (RFC 1982) with SERIAL_BITS = 32, as RFC 7143 §4.2.2.1 requires for
 * CmdSN, ExpCmdSN, MaxCmdSN, StatSN, ExpStatSN, DataSN and R2TSN. Values are the raw 32 bits in an
 * {@code int}.
 *
 * <p>RFC 1982 §3.2 leaves the comparison of two numbers exactly 2^31 apart undefined: neither is
 * less nor greater. So there is no {@code compare} that could be mistaken for a total order; the
 * predicates below return {@code false} for the undefined case.
 */
public final class SerialNumber {

    /** The largest increment RFC 1982 §3.1 allows in one addition: 2^31 - 1. */
    public static final long MAX_ADD = (1L << 31) - 1;

    private SerialNumber() {}

    /** s + n (RFC 1982 §3.1); {@code n} must be in [0, 2^31 - 1]. */
    public static int add(int s, long n) {
        if (n < 0 || n > MAX_ADD) {
            throw new IllegalArgumentException("serial number increment " + n + " is outside [0, 2^31 - 1]");
        }
        return (int) (s + n);
    }

    /** s1 &lt; s2 (RFC 1982 §3.2). */
    public static boolean lessThan(int s1, int s2) {
        int d = s2 - s1;
        return d > 0; // d in [1, 2^31 - 1]: 2^31 (Integer.MIN_VALUE) is the undefined case
    }

    /** s1 &gt; s2 (RFC 1982 §3.2). */
    public static boolean greaterThan(int s1, int s2) {
        return lessThan(s2, s1);
    }

    public static boolean lessOrEqual(int s1, int s2) {
        return s1 == s2 || lessThan(s1, s2);
    }

    public static boolean greaterOrEqual(int s1, int s2) {
        return s1 == s2 || greaterThan(s1, s2);
    }

    /** True if {@code s1} and {@code s2} are exactly 2^31 apart, where RFC 1982 defines no order. */
    public static boolean isUndefined(int s1, int s2) {
        return s2 - s1 == Integer.MIN_VALUE;
    }

    /** low &lt;= s &lt;= high, in serial order (an inclusive window, e.g. ExpCmdSN..MaxCmdSN). */
    public static boolean inWindow(int s, int low, int high) {
        return lessOrEqual(low, s) && lessOrEqual(s, high);
    }

    /** The number of increments from {@code from} to {@code to}, as an unsigned distance in [0, 2^32). */
    public static long distance(int from, int to) {
        return Integer.toUnsignedLong(to - from);
    }

    /**
     * The size of the command window ExpCmdSN..MaxCmdSN (RFC 7143 §4.2.2.1): MaxCmdSN - ExpCmdSN + 1.
     * {@code MaxCmdSN = ExpCmdSN - 1} is a closed window (0). A MaxCmdSN serially less than
     * ExpCmdSN - 1 is invalid (the initiator MUST ignore the pair) and gives -1, as does a pair
     * whose order is undefined.
     */
    public static long windowSize(int expCmdSN, int maxCmdSN) {
        int lastClosed = expCmdSN - 1;
        if (maxCmdSN == lastClosed) {
            return 0;
        }
        if (!lessOrEqual(expCmdSN, maxCmdSN)) {
            return -1;
        }
        return distance(expCmdSN, maxCmdSN) + 1;
    }

    /** The unsigned decimal form, for messages. */
    public static String toString(int s) {
        return Integer.toUnsignedString(s);
    }
}
