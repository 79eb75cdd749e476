package io.mpath4j.nbd.protocol;

/**
 * A client option whose frame (magic, option, length) was valid and has been consumed in full, but
 * whose data is not valid for that option: an inner length larger than the option length, data on
 * an option that takes none, a name that is not a valid string, a repeated information request.
 *
 * <p>The stream is still in sync, so a server MAY answer with {@code NBD_REP_ERR_INVALID} and
 * continue (proto.md "Option types": for {@code NBD_OPT_LIST}, {@code NBD_OPT_STARTTLS} and {@code
 * NBD_OPT_STRUCTURED_REPLY} with data "the server SHOULD reject a request that includes data with
 * {@code NBD_REP_ERR_INVALID}"), or it MAY hard-disconnect. For {@code NBD_OPT_EXPORT_NAME}, which
 * has no error reply, the server MUST terminate the session.
 */
public final class InvalidOptionException extends NbdProtocolException {

    private final int option;

    public InvalidOptionException(int option, String message) {
        super(message);
        this.option = option;
    }

    /** The option code as sent, to be echoed in the {@code NBD_REP_ERR_INVALID} reply. */
    public int option() {
        return option;
    }
}
