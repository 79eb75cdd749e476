package io.mpath4j.nbd.protocol;

/**
 * A transmission-phase message from the server: a {@link SimpleReply} or one {@link ReplyChunk} of
 * a structured reply (proto.md "Transmission"). Both carry the handle of the request they answer.
 */
public sealed interface Reply permits SimpleReply, ReplyChunk {

    /** The handle of the request this answers. */
    long handle();
}
