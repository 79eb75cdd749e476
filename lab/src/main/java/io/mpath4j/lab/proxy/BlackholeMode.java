package io.mpath4j.lab.proxy;

/**
 * What a blackholed direction does with the bytes that arrive while it is blackholed. In every mode
 * both TCP connections stay open and nothing is signalled to either peer: the loss is silent, as a
 * cut cable is, and only a timeout (NBD request timeout, iSCSI NOP-Out) can notice it.
 */
public enum BlackholeMode {
    /** Forwarding as usual. */
    OFF("off"),
    /**
     * Bytes are held (up to the direction's bounded buffer, then the sender's TCP window closes) and
     * forwarded in order after {@code restore}. This is a link that goes down and comes back: TCP
     * retransmits what it did not get acknowledged, so the stream resumes intact and late. The default.
     */
    HOLD("hold"),
    /**
     * Bytes are read and discarded; after {@code restore} forwarding resumes with a hole in the
     * stream. No real TCP link produces that (TCP would retransmit), so use it to test that a client
     * that stopped trusting the connection (timed out) never reuses it, or how it copes with a
     * desynchronised stream.
     */
    DROP("drop");

    private final String label;

    BlackholeMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
