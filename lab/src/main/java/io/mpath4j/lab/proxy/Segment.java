package io.mpath4j.lab.proxy;

/**
 * What a pump's reader hands its writer through the delay line: bytes, or the end of the stream
 * (FIN) or its abort (RST). The ends travel in order behind the bytes so that a delayed or held
 * direction does not close before it delivered what came before.
 */
sealed interface Segment {

    /** Bytes read at {@code arrivalNanos}; {@code jitterDraw} in [-1, 1] scales the jitter of this chunk. */
    record Data(byte[] bytes, long arrivalNanos, double jitterDraw) implements Segment {
    }

    /** The sender closed its side (FIN): shut down output towards the receiver. */
    record End() implements Segment {
    }

    /** The sender's connection failed or was reset: reset the connection. */
    record Abort(String reason) implements Segment {
    }
}
