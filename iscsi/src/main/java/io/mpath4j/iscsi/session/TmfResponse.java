package io.mpath4j.iscsi.session;

import io.mpath4j.iscsi.pdu.Pdu;

/** The Response field of a SCSI Task Management Function Response (RFC 7143 §11.6.1). */
public enum TmfResponse {
    FUNCTION_COMPLETE(Pdu.TaskManagementResponse.FUNCTION_COMPLETE, "function complete"),
    TASK_DOES_NOT_EXIST(Pdu.TaskManagementResponse.TASK_DOES_NOT_EXIST, "task does not exist"),
    LUN_DOES_NOT_EXIST(Pdu.TaskManagementResponse.LUN_DOES_NOT_EXIST, "LUN does not exist"),
    TASK_STILL_ALLEGIANT(Pdu.TaskManagementResponse.TASK_STILL_ALLEGIANT, "task still allegiant"),
    REASSIGNMENT_NOT_SUPPORTED(Pdu.TaskManagementResponse.REASSIGNMENT_NOT_SUPPORTED,
            "task allegiance reassignment not supported"),
    FUNCTION_NOT_SUPPORTED(Pdu.TaskManagementResponse.FUNCTION_NOT_SUPPORTED, "task management function not supported"),
    AUTHORIZATION_FAILED(Pdu.TaskManagementResponse.AUTHORIZATION_FAILED, "function authorization failed"),
    FUNCTION_REJECTED(Pdu.TaskManagementResponse.FUNCTION_REJECTED, "function rejected");

    private final int code;
    private final String description;

    TmfResponse(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** The response for {@code code}; codes RFC 7143 does not define count as {@link #FUNCTION_REJECTED}. */
    public static TmfResponse of(int code) {
        for (TmfResponse r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return FUNCTION_REJECTED;
    }
}
