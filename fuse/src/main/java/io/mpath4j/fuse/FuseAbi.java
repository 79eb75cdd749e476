package io.mpath4j.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The C structures libfuse 3.14 and glibc exchange with us, on x86_64 (LP64), written down by hand
 * because the headers are not installed at run time and jextract would be a build dependency.
 *
 * <p>Sources: libfuse {@code include/fuse.h} (struct fuse_operations, fuse_fill_dir_t),
 * {@code include/fuse_common.h} (struct fuse_file_info), {@code include/fuse_opt.h} (struct
 * fuse_args); glibc {@code sysdeps/unix/sysv/linux/x86/bits/struct_stat.h} (struct stat) and
 * {@code bits/statvfs.h} (struct statvfs). Only fields we read or write have names; the rest is
 * padding of the right size, so each layout's byteSize() equals the C sizeof and a mismatch shows
 * up in {@code FuseAbiTest}.
 */
final class FuseAbi {

    private FuseAbi() {}

    /** struct fuse_args { int argc; char **argv; int allocated; } — fuse_opt.h. */
    static final StructLayout FUSE_ARGS = MemoryLayout.structLayout(
            JAVA_INT.withName("argc"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("argv"),
            JAVA_INT.withName("allocated"),
            MemoryLayout.paddingLayout(4));

    /**
     * The slots of struct fuse_operations (fuse.h, FUSE_USE_VERSION 31..314), in declaration
     * order: every member is a function pointer, so a slot's offset is its index times 8. fuse_new
     * takes the struct's size, so a table shorter than the library's own is accepted.
     */
    enum Op {
        GETATTR, READLINK, MKNOD, MKDIR, UNLINK, RMDIR, SYMLINK, RENAME, LINK, CHMOD, CHOWN, TRUNCATE,
        OPEN, READ, WRITE, STATFS, FLUSH, RELEASE, FSYNC, SETXATTR, GETXATTR, LISTXATTR, REMOVEXATTR,
        OPENDIR, READDIR, RELEASEDIR, FSYNCDIR, INIT, DESTROY, ACCESS, CREATE, LOCK, UTIMENS, BMAP, IOCTL,
        POLL, WRITE_BUF, READ_BUF, FLOCK, FALLOCATE, COPY_FILE_RANGE, LSEEK;

        long offset() {
            return ordinal() * ADDRESS.byteSize();
        }
    }

    /** sizeof(struct fuse_operations) in libfuse 3.14: 42 function pointers. */
    static final long FUSE_OPERATIONS_SIZE = Op.values().length * ADDRESS.byteSize();

    /**
     * struct fuse_file_info (fuse_common.h): int flags; a 32-bit word of bit-fields; 32 bits of
     * padding; uint64_t fh; uint64_t lock_owner; uint32_t poll_events; tail padding to 40 bytes.
     * Of the bit-fields we set only direct_io (bit 1) and keep_cache (bit 2), which sit at the same
     * place in every 3.x release (3.14.0 inserted parallel_direct_writes after keep_cache, moving
     * the later bits, so those are left alone).
     */
    static final StructLayout FILE_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("bits"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("fh"),
            JAVA_LONG.withName("lock_owner"),
            JAVA_INT.withName("poll_events"),
            MemoryLayout.paddingLayout(4));

    static final long FI_FLAGS = FILE_INFO.byteOffset(MemoryLayout.PathElement.groupElement("flags"));
    static final long FI_BITS = FILE_INFO.byteOffset(MemoryLayout.PathElement.groupElement("bits"));
    static final long FI_FH = FILE_INFO.byteOffset(MemoryLayout.PathElement.groupElement("fh"));
    static final int FI_DIRECT_IO = 1 << 1;
    static final int FI_KEEP_CACHE = 1 << 2;

    /** struct stat on x86_64 glibc: 144 bytes. */
    static final StructLayout STAT = MemoryLayout.structLayout(
            JAVA_LONG.withName("st_dev"),
            JAVA_LONG.withName("st_ino"),
            JAVA_LONG.withName("st_nlink"),
            JAVA_INT.withName("st_mode"),
            JAVA_INT.withName("st_uid"),
            JAVA_INT.withName("st_gid"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("st_rdev"),
            JAVA_LONG.withName("st_size"),
            JAVA_LONG.withName("st_blksize"),
            JAVA_LONG.withName("st_blocks"),
            JAVA_LONG.withName("st_atime"),
            JAVA_LONG.withName("st_atime_nsec"),
            JAVA_LONG.withName("st_mtime"),
            JAVA_LONG.withName("st_mtime_nsec"),
            JAVA_LONG.withName("st_ctime"),
            JAVA_LONG.withName("st_ctime_nsec"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("reserved"));

    /** struct statvfs on x86_64 glibc: 112 bytes. */
    static final StructLayout STATVFS = MemoryLayout.structLayout(
            JAVA_LONG.withName("f_bsize"),
            JAVA_LONG.withName("f_frsize"),
            JAVA_LONG.withName("f_blocks"),
            JAVA_LONG.withName("f_bfree"),
            JAVA_LONG.withName("f_bavail"),
            JAVA_LONG.withName("f_files"),
            JAVA_LONG.withName("f_ffree"),
            JAVA_LONG.withName("f_favail"),
            JAVA_LONG.withName("f_fsid"),
            JAVA_LONG.withName("f_flag"),
            JAVA_LONG.withName("f_namemax"),
            MemoryLayout.sequenceLayout(6, JAVA_INT).withName("spare"));

    /**
     * struct fuse_conn_info (fuse_common.h, unchanged through 3.x): ten unsigned ints, then 22
     * reserved: 128 bytes. init() may change max_background and congestion_threshold (and the
     * want flags, which we leave to libfuse's defaults).
     */
    static final StructLayout CONN_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("proto_major"),
            JAVA_INT.withName("proto_minor"),
            JAVA_INT.withName("max_write"),
            JAVA_INT.withName("max_read"),
            JAVA_INT.withName("max_readahead"),
            JAVA_INT.withName("capable"),
            JAVA_INT.withName("want"),
            JAVA_INT.withName("max_background"),
            JAVA_INT.withName("congestion_threshold"),
            JAVA_INT.withName("time_gran"),
            MemoryLayout.sequenceLayout(22, JAVA_INT).withName("reserved"));

    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /** A native pointer argument widened to {@code layout}'s size (upcall arguments arrive with size 0). */
    static MemorySegment view(MemorySegment pointer, StructLayout layout) {
        return pointer.reinterpret(layout.byteSize());
    }

    // <sys/stat.h>
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;

    // <linux/falloc.h>
    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    static final int FALLOC_FL_ZERO_RANGE = 0x10;

    // <sys/mount.h>
    static final int MNT_DETACH = 2;
}
