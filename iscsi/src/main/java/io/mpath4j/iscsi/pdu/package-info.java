/**
 * The iSCSI PDU codec (RFC 7143 §11): bytes in, values out; values in, bytes out.
 *
 * <p>{@link io.mpath4j.iscsi.pdu.Pdu} is a sealed interface with one record per PDU type, both
 * directions. {@link io.mpath4j.iscsi.pdu.IscsiEncoder} writes a PDU with or without header and
 * data digests (CRC32C, §13.1, {@link io.mpath4j.iscsi.pdu.Crc32c}); {@link
 * io.mpath4j.iscsi.pdu.IscsiDecoder} reads one incrementally in the style of Netty's {@code
 * ByteToMessageDecoder}: a PDU and exactly its bytes consumed, or {@code null} and nothing
 * consumed, or an {@link io.mpath4j.iscsi.pdu.IscsiProtocolException} (the only exception type,
 * with subclasses for the recoverable cases). {@link io.mpath4j.iscsi.pdu.SerialNumber} does the
 * RFC 1982 arithmetic that sequence numbers need.
 *
 * <p>No sockets, threads or clocks live in this package: it is the surface the fuzzers drive.
 */
package io.mpath4j.iscsi.pdu;
