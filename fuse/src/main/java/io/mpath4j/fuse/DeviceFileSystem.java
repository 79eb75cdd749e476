package io.mpath4j.fuse;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.mpath4j.core.BlockDevice;
import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The file system FUSE shows: a root directory holding one regular file per registered block
 * device, named after it, as large as the device is now. Its methods are the struct
 * fuse_operations upcalls (see {@link FuseOperationsTable}), with the C signatures: they return 0,
 * a byte count or a negated errno, and never throw (an exception escaping an upcall would end the
 * JVM).
 *
 * <p>Read and write address the device through the FUSE request buffer itself
 * ({@link MemorySegment#asByteBuffer}), so aligned I/O is copied only by the transport. An open
 * file's handle ({@code fuse_file_info.fh}) indexes the open-file table, so the hot path does not
 * decode the path string.
 *
 * <p>What each operation maps to: fsync is a device flush; flush (called on every close) is a
 * device flush only when that open file wrote since its last flush, so readers close cheaply and
 * a writer's close is still durable. fallocate PUNCH_HOLE|KEEP_SIZE zeroes the range and lets the
 * device unmap it (WRITE ZEROES with unmap), because a punched hole must read back as zeroes and a
 * plain discard leaves the contents undefined — the same choice Linux makes for fallocate on a
 * block device; ZERO_RANGE is WRITE ZEROES without unmap; mode 0 inside the device succeeds (every
 * block exists already). The size is fixed by the device: truncate to another size, and writes or
 * allocation past the end, fail; O_TRUNC at open is ignored, as for a block device.
 */
final class DeviceFileSystem {

    private static final Logger LOG = Logger.getLogger(DeviceFileSystem.class.getName());
    private static final int FILE_MODE = 0600;
    private static final int DIR_MODE = 0755;

    private record DeviceFile(String name, AlignedIo io) {}

    private static final class OpenFile {
        final DeviceFile file;
        volatile boolean dirty;

        OpenFile(DeviceFile file) {
            this.file = file;
        }
    }

    private final Map<String, DeviceFile> files = new ConcurrentHashMap<>();
    private final Map<Long, OpenFile> open = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final boolean directIo;
    private final long mountedAtSeconds = System.currentTimeMillis() / 1000;
    private final int uid;
    private final int gid;
    private final int maxBackground;

    /**
     * @param maxBackground the kernel's limit on FUSE background requests for this mount (see
     *     {@link #init}); 0 keeps the kernel's default
     */
    DeviceFileSystem(boolean directIo, int uid, int gid, int maxBackground) {
        this.directIo = directIo;
        this.uid = uid;
        this.gid = gid;
        this.maxBackground = maxBackground;
    }

    void add(String name, BlockDevice device) {
        Objects.requireNonNull(device, "device");
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a file name: '" + name + "'");
        }
        if (files.putIfAbsent(name, new DeviceFile(name, new AlignedIo(device))) != null) {
            throw new IllegalArgumentException("a device named " + name + " is exported already");
        }
    }

    /** Removes the file; handles open on it keep working until released. */
    boolean remove(String name) {
        return files.remove(name) != null;
    }

    List<String> names() {
        return files.keySet().stream().sorted().toList();
    }

    int openFiles() {
        return open.size();
    }

    // ------------------------------------------------------------------ upcalls

    /**
     * Connection setup. Raises {@code max_background}: the kernel sends asynchronous direct I/O
     * (io_submit with O_DIRECT, what fio, databases and qemu do) as background requests and keeps
     * at most that many outstanding, 12 by default (FUSE_DEFAULT_MAX_BACKGROUND) — fewer than our
     * workers, so requests waited in the kernel while workers idled. The congestion threshold
     * keeps the kernel's 3/4 ratio. Returns NULL: our upcalls need no private data.
     */
    MemorySegment init(MemorySegment conn, MemorySegment cfg) {
        try {
            if (maxBackground > 0) {
                MemorySegment c = FuseAbi.view(conn, FuseAbi.CONN_INFO);
                c.set(JAVA_INT, FuseAbi.offset(FuseAbi.CONN_INFO, "max_background"), maxBackground);
                c.set(JAVA_INT, FuseAbi.offset(FuseAbi.CONN_INFO, "congestion_threshold"), Math.max(1, maxBackground * 3 / 4));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "fuse init: cannot set max_background", e);
        }
        return MemorySegment.NULL;
    }

    int getattr(MemorySegment path, MemorySegment stat, MemorySegment fi) {
        try {
            String p = path(path);
            MemorySegment st = FuseAbi.view(stat, FuseAbi.STAT);
            st.fill((byte) 0);
            if (p.equals("/")) {
                fillStat(st, FuseAbi.S_IFDIR | DIR_MODE, 2, 0, 4096);
                return 0;
            }
            DeviceFile f = lookup(p);
            if (f == null) {
                return -Errno.ENOENT;
            }
            Geometry g = f.io.device().geometry();
            fillStat(st, FuseAbi.S_IFREG | FILE_MODE, 1, g.sizeBytes(), Math.max(g.physicalBlockSize(), 4096));
            return 0;
        } catch (RuntimeException e) {
            return failed("getattr", e);
        }
    }

    int readdir(MemorySegment path, MemorySegment buf, MemorySegment filler, long offset, MemorySegment fi, int flags) {
        try {
            if (!path(path).equals("/")) {
                return -Errno.ENOENT;
            }
            LibFuse fuse = LibFuse.load();
            try (Arena a = Arena.ofConfined()) {
                for (String name : concat(".", "..", names())) {
                    // offset 0: the whole directory in one call (fuse.h, readdir mode 1)
                    int full = (int) fuse.fillDir.invokeExact(filler, buf, a.allocateFrom(name), MemorySegment.NULL, 0L, 0);
                    if (full != 0) {
                        break;
                    }
                }
            }
            return 0;
        } catch (Throwable e) {
            return failed("readdir", e);
        }
    }

    int open(MemorySegment path, MemorySegment fi) {
        try {
            DeviceFile f = lookup(path(path));
            if (f == null) {
                return -Errno.ENOENT;
            }
            long handle = nextHandle.getAndIncrement();
            open.put(handle, new OpenFile(f));
            MemorySegment info = FuseAbi.view(fi, FuseAbi.FILE_INFO);
            info.set(JAVA_LONG, FuseAbi.FI_FH, handle);
            if (directIo) {
                info.set(JAVA_INT, FuseAbi.FI_BITS, info.get(JAVA_INT, FuseAbi.FI_BITS) | FuseAbi.FI_DIRECT_IO);
            }
            return 0;
        } catch (RuntimeException e) {
            return failed("open", e);
        }
    }

    int read(MemorySegment path, MemorySegment buf, long size, long offset, MemorySegment fi) {
        return onOpenFile("read", fi, f -> {
            long deviceSize = f.file.io.device().geometry().sizeBytes();
            if (offset >= deviceSize || size == 0) {
                return 0;
            }
            int n = (int) Math.min(size, deviceSize - offset);
            IoStatus st = f.file.io.read(offset, buf.reinterpret(n).asByteBuffer());
            return st instanceof IoStatus.Failure fail ? ioFailed("read", f, offset, n, fail) : n;
        });
    }

    int write(MemorySegment path, MemorySegment buf, long size, long offset, MemorySegment fi) {
        return onOpenFile("write", fi, f -> {
            if (size == 0) {
                return 0;
            }
            if (offset + size > f.file.io.device().geometry().sizeBytes()) {
                return -Errno.ENOSPC; // a device does not grow: like writing past the end of a block device
            }
            int n = (int) size;
            f.dirty = true;
            IoStatus st = f.file.io.write(offset, buf.reinterpret(n).asByteBuffer());
            return st instanceof IoStatus.Failure fail ? ioFailed("write", f, offset, n, fail) : n;
        });
    }

    int flush(MemorySegment path, MemorySegment fi) {
        try {
            OpenFile f = handle(fi);
            if (f == null || !f.dirty) {
                return 0;
            }
            return deviceFlush(f);
        } catch (RuntimeException e) {
            return failed("flush", e);
        }
    }

    int fsync(MemorySegment path, int datasync, MemorySegment fi) {
        return onOpenFile("fsync", fi, this::deviceFlush);
    }

    int release(MemorySegment path, MemorySegment fi) {
        try {
            open.remove(FuseAbi.view(fi, FuseAbi.FILE_INFO).get(JAVA_LONG, FuseAbi.FI_FH));
            return 0;
        } catch (RuntimeException e) {
            return failed("release", e);
        }
    }

    int fallocate(MemorySegment path, int mode, long offset, long length, MemorySegment fi) {
        return onOpenFile("fallocate", fi, f -> {
            int known = FuseAbi.FALLOC_FL_KEEP_SIZE | FuseAbi.FALLOC_FL_PUNCH_HOLE | FuseAbi.FALLOC_FL_ZERO_RANGE;
            boolean punch = (mode & FuseAbi.FALLOC_FL_PUNCH_HOLE) != 0;
            boolean zero = (mode & FuseAbi.FALLOC_FL_ZERO_RANGE) != 0;
            boolean keepSize = (mode & FuseAbi.FALLOC_FL_KEEP_SIZE) != 0;
            if ((mode & ~known) != 0 || (punch && zero) || (punch && !keepSize)) {
                return -Errno.EOPNOTSUPP; // fallocate(2): PUNCH_HOLE must come with KEEP_SIZE
            }
            if (offset < 0 || length <= 0) {
                return -Errno.EINVAL;
            }
            long size = f.file.io.device().geometry().sizeBytes();
            long end = offset + length;
            if (end > size && !keepSize) {
                return -Errno.ENOSPC; // would have to grow the file
            }
            long clipped = Math.min(end, size);
            if (!(punch || zero) || offset >= clipped) {
                return 0; // plain allocation: every block of a device exists already
            }
            f.dirty = true;
            IoStatus st = f.file.io.zero(offset, clipped - offset, punch);
            return st instanceof IoStatus.Failure fail
                    ? ioFailed(punch ? "punch hole" : "zero range", f, offset, clipped - offset, fail) : 0;
        });
    }

    int truncate(MemorySegment path, long size, MemorySegment fi) {
        try {
            DeviceFile f = lookup(path(path));
            if (f == null) {
                return -Errno.ENOENT;
            }
            // The size is the device's: "truncating" to it is a no-op (cp, some dd uses), anything else EINVAL like ftruncate on a block device.
            return size == f.io.device().geometry().sizeBytes() ? 0 : -Errno.EINVAL;
        } catch (RuntimeException e) {
            return failed("truncate", e);
        }
    }

    int statfs(MemorySegment path, MemorySegment statvfs) {
        try {
            MemorySegment s = FuseAbi.view(statvfs, FuseAbi.STATVFS);
            s.fill((byte) 0);
            long total = 0;
            for (DeviceFile f : files.values()) {
                total += f.io.device().geometry().sizeBytes();
            }
            s.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STATVFS, "f_bsize"), 4096L);
            s.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STATVFS, "f_frsize"), 4096L);
            s.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STATVFS, "f_blocks"), total / 4096);
            s.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STATVFS, "f_files"), (long) files.size());
            s.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STATVFS, "f_namemax"), 255L);
            return 0;
        } catch (RuntimeException e) {
            return failed("statfs", e);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** An operation on an open file; returns what the upcall returns. */
    private interface FileOperation {
        int apply(OpenFile f);
    }

    /** Runs {@code body} on the open file {@code fi} names: EBADF for an unknown handle, and never an exception. */
    private int onOpenFile(String op, MemorySegment fi, FileOperation body) {
        try {
            OpenFile f = handle(fi);
            return f == null ? -Errno.EBADF : body.apply(f);
        } catch (RuntimeException e) {
            return failed(op, e);
        }
    }

    private int deviceFlush(OpenFile f) {
        f.dirty = false;
        IoStatus st = f.file.io.flush();
        if (st instanceof IoStatus.Failure fail) {
            f.dirty = true;
            return ioFailed("flush", f, 0, 0, fail);
        }
        return 0;
    }

    private void fillStat(MemorySegment st, int mode, long nlink, long size, long blksize) {
        st.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STAT, "st_nlink"), nlink);
        st.set(JAVA_INT, FuseAbi.offset(FuseAbi.STAT, "st_mode"), mode);
        st.set(JAVA_INT, FuseAbi.offset(FuseAbi.STAT, "st_uid"), uid);
        st.set(JAVA_INT, FuseAbi.offset(FuseAbi.STAT, "st_gid"), gid);
        st.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STAT, "st_size"), size);
        st.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STAT, "st_blksize"), blksize);
        st.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STAT, "st_blocks"), (size + 511) / 512);
        for (String t : List.of("st_atime", "st_mtime", "st_ctime")) {
            st.set(JAVA_LONG, FuseAbi.offset(FuseAbi.STAT, t), mountedAtSeconds);
        }
    }

    private DeviceFile lookup(String path) {
        return path.length() > 1 && path.charAt(0) == '/' ? files.get(path.substring(1)) : null;
    }

    private OpenFile handle(MemorySegment fi) {
        if (fi.equals(MemorySegment.NULL)) {
            return null;
        }
        return open.get(FuseAbi.view(fi, FuseAbi.FILE_INFO).get(JAVA_LONG, FuseAbi.FI_FH));
    }

    private static String path(MemorySegment cString) {
        return cString.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    private static List<String> concat(String a, String b, List<String> rest) {
        var all = new java.util.ArrayList<String>(rest.size() + 2);
        all.add(a);
        all.add(b);
        all.addAll(rest);
        return all;
    }

    private static int ioFailed(String op, OpenFile f, long offset, long length, IoStatus.Failure failure) {
        int errno = Errno.of(failure);
        LOG.log(Level.WARNING, () -> "fuse " + op + " " + f.file.name + " [" + offset + ", +" + length + "): "
                + failure.describe() + " -> errno " + errno);
        return -errno;
    }

    private static int failed(String op, Throwable e) {
        LOG.log(Level.WARNING, "fuse " + op + " failed", e);
        return e instanceof IllegalArgumentException ? -Errno.EINVAL : -Errno.EIO;
    }
}
