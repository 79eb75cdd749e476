package io.mpath4j.lab.target;

/**
 * A login the target refuses, with the Status-Class and Status-Detail of the Login Response
 * (RFC 7143 §11.13.5): 02h/01h authentication failure, 02h/03h not found, 02h/05h unsupported
 * version, 02h/07h missing parameter, 02h/0Ah session does not exist, 03h/00h target error, ...
 */
final class LoginRefused extends Exception {

    static final int INITIATOR_ERROR = 0x0200;
    static final int AUTHENTICATION_FAILURE = 0x0201;
    static final int NOT_FOUND = 0x0203;
    static final int UNSUPPORTED_VERSION = 0x0205;
    static final int TOO_MANY_CONNECTIONS = 0x0206;
    static final int MISSING_PARAMETER = 0x0207;
    static final int SESSION_DOES_NOT_EXIST = 0x020a;
    static final int INVALID_DURING_LOGIN = 0x020b;
    static final int TARGET_ERROR = 0x0300;

    private final int status;

    LoginRefused(int status, String message) {
        super(message);
        this.status = status;
    }

    int statusClass() {
        return status >> 8;
    }

    int statusDetail() {
        return status & 0xff;
    }
}
