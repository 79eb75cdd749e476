package io.mpath4j.scsi;

/**
 * Bytes that are not a valid instance of the SCSI structure being decoded: a buffer shorter than
 * the structure's fixed part, a page or list shorter than its own length field says, a descriptor
 * running past the end of its page, a wrong page code or response code. This is the only
 * exception the decoders of this module throw for any input.
 *
 * <p>A truncated response usually means the allocation length of the command was too small
 * (SPC-4 §4.2.5.6: the device server truncates, it does not fail); the message says how many bytes
 * the data claims, so the initiator can re-issue the command with a larger allocation length.
 */
public class ScsiFormatException extends Exception {

    public ScsiFormatException(String message) {
        super(message);
    }
}
