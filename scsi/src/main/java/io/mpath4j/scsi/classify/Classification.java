package io.mpath4j.scsi.classify;

import io.mpath4j.core.IoStatus;
import java.util.Objects;

/** The outcome of one SCSI command as the engine sees it, and what the transport should do about it. */
public record Classification(IoStatus status, TransportAction action) {

    public static final Classification OK = new Classification(IoStatus.OK, TransportAction.NONE);

    public Classification {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(action, "action");
    }
}
