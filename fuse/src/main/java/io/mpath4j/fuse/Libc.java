package io.mpath4j.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * umount2(2) and mount(2) through the foreign function API: as root, a lazy unmount needs neither
 * fusermount3 nor a umount process, and it works on a mount whose daemon died ("Transport endpoint
 * is not connected"), where umount(8) may try to stat the dead mount first; mount(2) mounts
 * fusectl when the system has not.
 */
final class Libc {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle UMOUNT2 = LINKER.downcallHandle(
            LINKER.defaultLookup().find("umount2").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private static final MethodHandle MOUNT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("mount").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS),
            Linker.Option.captureCallState("errno"));

    private Libc() {}

    /** mount(source, target, fsType, 0, NULL) for a pseudo file system (fusectl); returns 0 or the errno. */
    static int mountPseudo(String source, Path target, String fsType) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURED);
            int rc = (int) MOUNT.invokeExact(state, a.allocateFrom(source), a.allocateFrom(target.toString()),
                    a.allocateFrom(fsType), 0L, MemorySegment.NULL);
            return rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mount " + fsType + " on " + target, t);
        }
    }

    /** umount2(path, MNT_DETACH); returns 0 or the errno. */
    static int lazyUnmount(Path mountPoint) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURED);
            MemorySegment target = a.allocateFrom(mountPoint.toString());
            int rc = (int) UMOUNT2.invokeExact(state, target, FuseAbi.MNT_DETACH);
            return rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("umount2 " + mountPoint, t);
        }
    }
}
