package io.mpath4j.nbd.protocol;

/**
 * What the client tells {@link NbdClientDecoder#decodeReply} about its requests in flight, so that
 * a simple reply can be framed: proto.md "Structured reply chunk message" notes that without
 * structured replies "it is not possible to reliably decode the server traffic without also having
 * context of what pending read requests were sent by the client".
 *
 * <p>Must be a pure lookup: the decoder may call it again for the same handle while it waits for
 * the data to arrive.
 */
@FunctionalInterface
public interface ExpectedReadLength {

    /** Returned for a handle that is not in flight; the reply is then a protocol error. */
    long UNKNOWN_HANDLE = -1;

    /**
     * The number of data bytes a successful simple reply to {@code handle} carries: the request
     * length for an {@code NBD_CMD_READ}, 0 for any other request, or {@link #UNKNOWN_HANDLE}.
     */
    long dataLength(long handle);
}
