package io.mpath4j.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.EnumMap;
import java.util.Map;

/**
 * A struct fuse_operations whose slots point at upcall stubs into a {@link DeviceFileSystem}.
 * Slots left NULL make libfuse answer ENOSYS (mkdir, rename, chmod, …: the directory is fixed).
 * The stubs live in {@code arena}, which must stay open until fuse_loop_mt has returned and
 * fuse_destroy has run.
 */
final class FuseOperationsTable {

    /** C signature of each implemented slot (fuse.h, FUSE_USE_VERSION 31). */
    private static final Map<FuseAbi.Op, FunctionDescriptor> SIGNATURES = new EnumMap<>(FuseAbi.Op.class);

    static {
        // int getattr(const char *, struct stat *, struct fuse_file_info *)
        SIGNATURES.put(FuseAbi.Op.GETATTR, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        // int truncate(const char *, off_t, struct fuse_file_info *)
        SIGNATURES.put(FuseAbi.Op.TRUNCATE, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
        // int open(const char *, struct fuse_file_info *)
        SIGNATURES.put(FuseAbi.Op.OPEN, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // int read(const char *, char *, size_t, off_t, struct fuse_file_info *); write likewise
        SIGNATURES.put(FuseAbi.Op.READ, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        SIGNATURES.put(FuseAbi.Op.WRITE, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        // int statfs(const char *, struct statvfs *)
        SIGNATURES.put(FuseAbi.Op.STATFS, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // int flush(const char *, struct fuse_file_info *); release likewise
        SIGNATURES.put(FuseAbi.Op.FLUSH, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        SIGNATURES.put(FuseAbi.Op.RELEASE, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // int fsync(const char *, int datasync, struct fuse_file_info *)
        SIGNATURES.put(FuseAbi.Op.FSYNC, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        // int readdir(const char *, void *, fuse_fill_dir_t, off_t, struct fuse_file_info *, enum fuse_readdir_flags)
        SIGNATURES.put(FuseAbi.Op.READDIR, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT));
        // void *init(struct fuse_conn_info *, struct fuse_config *)
        SIGNATURES.put(FuseAbi.Op.INIT, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        // int fallocate(const char *, int mode, off_t offset, off_t length, struct fuse_file_info *)
        SIGNATURES.put(FuseAbi.Op.FALLOCATE, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS));
    }

    private FuseOperationsTable() {}

    static MemorySegment allocate(DeviceFileSystem fs, Arena arena) {
        MemorySegment ops = arena.allocate(FuseAbi.FUSE_OPERATIONS_SIZE, ADDRESS.byteAlignment());
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (var e : SIGNATURES.entrySet()) {
            FunctionDescriptor fd = e.getValue();
            String method = e.getKey().name().toLowerCase(java.util.Locale.ROOT);
            MethodHandle target;
            try {
                target = lookup.findVirtual(DeviceFileSystem.class, method, fd.toMethodType()).bindTo(fs);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("no upcall target " + method + fd.toMethodType(), ex);
            }
            MemorySegment stub = LibFuse.linker().upcallStub(target, fd, arena);
            ops.set(ADDRESS, e.getKey().offset(), stub);
        }
        return ops;
    }
}
