package io.mpath4j.nbd.server;

import io.mpath4j.core.BlockDevice;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One export of an {@link NbdServer}: a {@link BlockDevice} under a name.
 *
 * <p>The server does not own the device: closing the server leaves it open.
 *
 * @param name export name clients ask for (UTF-8, no NUL, at most 4096 bytes; proto.md
 *     "Conventions"); may be empty, then it is the export of the empty name
 * @param description shown by {@code NBD_OPT_LIST} and {@code NBD_INFO_DESCRIPTION}; empty for none
 * @param readOnly advertise {@code NBD_FLAG_READ_ONLY} and refuse writes, trims and zeroing with
 *     {@code NBD_EPERM}
 */
public record NbdExport(String name, String description, BlockDevice device, boolean readOnly) {

    public NbdExport {
        checkString("export name", name);
        checkString("description", description);
        Objects.requireNonNull(device, "device");
    }

    /** A writable export without description. */
    public NbdExport(String name, BlockDevice device) {
        this(name, "", device, false);
    }

    static void checkString(String what, String s) {
        Objects.requireNonNull(s, what);
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must not contain NUL");
        }
        int len = s.getBytes(StandardCharsets.UTF_8).length;
        if (len > 4096) {
            throw new IllegalArgumentException(what + " is " + len + " bytes of UTF-8, over the protocol's 4096");
        }
    }
}
