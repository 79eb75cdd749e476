/**
 * The NBD wire protocol as pure codecs: bytes in, values out; values in, bytes out.
 *
 * <p>Everything here follows the NBD protocol specification, {@code doc/proto.md} of the
 * NetworkBlockDevice/nbd project (cited below as "proto.md", with the section name). Covered: the
 * fixed newstyle handshake ("Newstyle negotiation", "Fixed newstyle negotiation"), option haggling
 * with {@code NBD_OPT_EXPORT_NAME}, {@code ABORT}, {@code LIST}, {@code STARTTLS}, {@code INFO},
 * {@code GO} and {@code STRUCTURED_REPLY} ("Option types", "Option reply types"), and the
 * transmission phase ("Request message", "Simple reply message", "Structured reply chunk
 * message", "Structured reply types"). Oldstyle negotiation, metadata contexts and block status
 * replies are not decoded (their options and chunks are preserved or rejected as the spec says for
 * unknown ones).
 *
 * <p>Values are records and sealed interfaces. {@link io.mpath4j.nbd.protocol.NbdEncoder} turns
 * them into bytes; {@link io.mpath4j.nbd.protocol.NbdServerDecoder} (used by a server: client flags,
 * options, requests) and {@link io.mpath4j.nbd.protocol.NbdClientDecoder} (used by a client:
 * greeting, option replies, export-name reply, simple and structured replies) turn bytes into
 * values. Decoders are incremental in the style of Netty's {@code ByteToMessageDecoder}: a decode
 * method returns a value and consumes exactly its bytes when a whole message is available, returns
 * {@code null} and consumes nothing when more bytes are needed, and throws {@link
 * io.mpath4j.nbd.protocol.NbdProtocolException} (and nothing else) for malformed input. Decoders
 * keep no state between calls; the caller knows the protocol phase and calls the matching method.
 *
 * <p>No sockets, threads or clocks live in this package: it is the surface the fuzzers drive.
 */
package io.mpath4j.nbd.protocol;
