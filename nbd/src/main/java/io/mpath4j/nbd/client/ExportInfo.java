package io.mpath4j.nbd.client;

import io.mpath4j.core.Geometry;
import io.mpath4j.nbd.protocol.InfoItem;
import io.mpath4j.nbd.protocol.TransmissionFlag;

/**
 * What the handshake learned about an export (proto.md "Transmission flags", "Block size
 * constraints").
 *
 * @param name export name as requested
 * @param size export size in bytes
 * @param transmissionFlags raw 16-bit transmission flags
 * @param minBlock minimum block size; 1 when the server did not send {@code NBD_INFO_BLOCK_SIZE}
 * @param preferredBlock preferred block size; 4096 when not sent (the spec's default)
 * @param maxBlock maximum block size as sent, {@link InfoItem.BlockSize#UNLIMITED} when not sent
 * @param blockSizeSent true when the server sent {@code NBD_INFO_BLOCK_SIZE}
 */
public record ExportInfo(String name, long size, int transmissionFlags, long minBlock, long preferredBlock, long maxBlock,
        boolean blockSizeSent) {

    /**
     * proto.md "Block size constraints": without a maximum from the server a client SHOULD NOT send
     * more than 32 MiB in one request, and we never send more than that either way.
     */
    public static final int DEFAULT_MAX_REQUEST = 32 * 1024 * 1024;

    public boolean has(TransmissionFlag flag) {
        return flag.in(transmissionFlags);
    }

    /** Largest length of one NBD request we send: the server's maximum, capped at 32 MiB. */
    public int maxRequest() {
        return (int) Math.min(maxBlock, DEFAULT_MAX_REQUEST);
    }

    /**
     * The block device view: logical block = the minimum block size but at least 512 (a 512-aligned
     * request is valid for any smaller power-of-two minimum, and block users expect 512 or more),
     * physical = the preferred size, optimal transfer = the largest request we send.
     */
    public Geometry geometry() {
        int logical = (int) Math.max(minBlock, 512);
        int physical = (int) Math.max(Math.min(preferredBlock, DEFAULT_MAX_REQUEST), logical);
        return new Geometry(size, logical, physical, maxRequest());
    }
}
