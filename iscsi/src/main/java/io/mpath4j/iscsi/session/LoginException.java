package io.mpath4j.iscsi.session;

import java.io.IOException;

/**
 * The login failed: the target answered with a non-zero Status-Class (RFC 7143 §11.13.5), the
 * negotiation or CHAP failed, or the login broke the protocol. The message says what happened in
 * words; {@link #statusClass()} and {@link #statusDetail()} are -1 when the target did not refuse.
 */
public class LoginException extends IOException {

    private final int statusClass;
    private final int statusDetail;

    public LoginException(String message, int statusClass, int statusDetail) {
        super(message);
        this.statusClass = statusClass;
        this.statusDetail = statusDetail;
    }

    public LoginException(String message, Throwable cause) {
        super(message, cause);
        this.statusClass = -1;
        this.statusDetail = -1;
    }

    public int statusClass() {
        return statusClass;
    }

    public int statusDetail() {
        return statusDetail;
    }

    /** Authentication failed (0x0201) or authorization failed (0x0202), or our CHAP check of the target failed. */
    public boolean isAuthenticationFailure() {
        return statusClass == 2 && (statusDetail == 1 || statusDetail == 2);
    }

    /** The status in words (§11.13.5), e.g. "authentication failed: wrong CHAP name or secret". */
    public static String describe(int statusClass, int statusDetail) {
        String code = String.format("status 0x%02x%02x", statusClass, statusDetail);
        String what = switch (statusClass) {
            case 1 -> switch (statusDetail) {
                case 1 -> "target moved temporarily";
                case 2 -> "target moved permanently";
                default -> "redirection";
            };
            case 2 -> switch (statusDetail) {
                case 0 -> "initiator error";
                case 1 -> "authentication failed: wrong CHAP name or secret";
                case 2 -> "authorization failed: this initiator may not access the target (ACL)";
                case 3 -> "target not found: no such target name on this portal";
                case 4 -> "target removed";
                case 5 -> "unsupported iSCSI version";
                case 6 -> "too many connections";
                case 7 -> "missing parameter";
                case 8 -> "cannot include the connection in the session";
                case 9 -> "session type not supported";
                case 10 -> "session does not exist";
                case 11 -> "invalid request during login";
                default -> "initiator error";
            };
            case 3 -> switch (statusDetail) {
                case 0 -> "target error";
                case 1 -> "service unavailable";
                case 2 -> "target out of resources";
                default -> "target error";
            };
            default -> "unknown status";
        };
        return what + " (" + code + ")";
    }
}
