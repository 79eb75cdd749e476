package io.mpath4j.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.mpath4j.core.BlockDevice;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Exports block devices as files under a mount point through libfuse3: each device added with
 * {@link #add} is a regular file {@code mountPoint/NAME} as large as the device, on which read,
 * write, fsync, fallocate (punch hole, zero range) and O_DIRECT work, so dd, fio, databases and
 * losetup use the device without the nbd kernel module.
 *
 * <p>Threads: libfuse's multi-threaded loop ({@code fuse_loop_mt}) runs on a platform thread of
 * ours and starts up to {@link FuseOptions#maxThreads} workers; each calls into
 * {@link DeviceFileSystem} and blocks on the device's future until the I/O completes. The kernel
 * may keep as many background requests (asynchronous direct I/O) outstanding as there are
 * workers, not its default 12 ({@link DeviceFileSystem#init}).
 *
 * <p>Lifecycle: {@link #mount} detaches a stale mount left by a crashed run at the same place,
 * then mounts (as root libfuse calls mount(2) itself; fusermount3 is needed otherwise).
 * {@link #close} detaches the mount (umount2 MNT_DETACH), which ends the FUSE connection once no
 * file on it is open; if files stay open it aborts the connection through fusectl after a grace
 * period, then waits for the loop and frees libfuse's state.
 */
public final class FuseExport implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FuseExport.class.getName());
    private static final long CLOSE_GRACE_MILLIS = 5_000;

    private final Path mountPoint;
    private final DeviceFileSystem fs;
    private final LibFuse lib;
    private final Arena arena;
    private final MemorySegment fuse;
    private final MemorySegment loopConfig;
    private final Thread loop;
    private final int connection;
    private volatile int loopResult = Integer.MIN_VALUE;
    private boolean closed;

    private FuseExport(Path mountPoint, DeviceFileSystem fs, LibFuse lib, Arena arena, MemorySegment fuse,
                       MemorySegment loopConfig) {
        this.mountPoint = mountPoint;
        this.fs = fs;
        this.lib = lib;
        this.arena = arena;
        this.fuse = fuse;
        this.loopConfig = loopConfig;
        this.connection = FuseMounts.find(mountPoint).map(FuseMounts.Mount::minor).orElse(-1);
        this.loop = Thread.ofPlatform().name("fuse-loop " + mountPoint).daemon().unstarted(this::runLoop);
    }

    /** Mounts an empty export at {@code mountPoint} (created if missing) and starts serving it. */
    public static FuseExport mount(Path mountPoint, FuseOptions options) throws IOException {
        Path mp = mountPoint.toAbsolutePath().normalize();
        LibFuse lib = LibFuse.load();
        FuseMounts.prepare(mp);
        int uid = (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = (int) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        DeviceFileSystem fs = new DeviceFileSystem(options.directIo(), uid, gid, options.maxThreads());
        Arena arena = Arena.ofShared();
        MemorySegment fuse = MemorySegment.NULL;
        try {
            MemorySegment ops = FuseOperationsTable.allocate(fs, arena);
            MemorySegment args = arguments(arena, options);
            fuse = (MemorySegment) lib.fuseNew.invokeExact(args, ops, FuseAbi.FUSE_OPERATIONS_SIZE, MemorySegment.NULL);
            lib.optFreeArgs.invokeExact(args);
            if (fuse.equals(MemorySegment.NULL)) {
                throw new IOException("fuse_new failed (libfuse printed why on stderr)");
            }
            int rc = (int) lib.fuseMount.invokeExact(fuse, arena.allocateFrom(mp.toString()));
            if (rc != 0) {
                throw new IOException("cannot mount FUSE at " + mp + " (libfuse printed why on stderr;"
                        + " is /dev/fuse there, and are we root or is fusermount3 installed?)");
            }
            MemorySegment cfg = (MemorySegment) lib.loopCfgCreate.invokeExact();
            lib.loopCfgSetMaxThreads.invokeExact(cfg, options.maxThreads());
            // keep every worker: creating threads per burst would cost more than idle ones
            lib.loopCfgSetIdleThreads.invokeExact(cfg, options.maxThreads());
            lib.loopCfgSetCloneFd.invokeExact(cfg, 1); // one /dev/fuse fd per worker: no shared read queue lock
            FuseExport export = new FuseExport(mp, fs, lib, arena, fuse, cfg);
            export.loop.start();
            LOG.info(() -> "FUSE export mounted at " + mp + " (connection " + export.connection + ", "
                    + options.maxThreads() + " threads and background requests" + (options.directIo() ? ", direct_io" : "") + ")");
            return export;
        } catch (IOException e) {
            if (!fuse.equals(MemorySegment.NULL)) {
                destroy(lib, fuse);
            }
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException("libfuse call failed", t);
        }
    }

    /** argv for fuse_new: mount options (mount.fuse3(8)) and high-level options (fuse(8)). */
    private static MemorySegment arguments(Arena arena, FuseOptions options) {
        double timeout = options.attrTimeout().toNanos() / 1e9;
        String opts = String.format(Locale.ROOT,
                "fsname=mpath4j,subtype=mpath4j,attr_timeout=%.3f,entry_timeout=%.3f,negative_timeout=%.3f",
                timeout, timeout, timeout);
        List<String> argv = List.of("mpath4j", "-o", opts);
        MemorySegment array = arena.allocate(ADDRESS, argv.size() + 1);
        for (int i = 0; i < argv.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(argv.get(i)));
        }
        array.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
        MemorySegment args = arena.allocate(FuseAbi.FUSE_ARGS);
        args.set(JAVA_INT, FuseAbi.offset(FuseAbi.FUSE_ARGS, "argc"), argv.size());
        args.set(ADDRESS, FuseAbi.offset(FuseAbi.FUSE_ARGS, "argv"), array);
        args.set(JAVA_INT, FuseAbi.offset(FuseAbi.FUSE_ARGS, "allocated"), 0);
        return args;
    }

    private void runLoop() {
        try {
            loopResult = (int) lib.fuseLoopMt.invokeExact(fuse, loopConfig);
        } catch (Throwable t) {
            LOG.severe("fuse_loop_mt failed: " + t);
        }
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /** The file that shows {@code name}. */
    public Path file(String name) {
        return mountPoint.resolve(name);
    }

    /** Shows {@code device} as the file {@code name} (a plain file name, unique in this export). */
    public void add(String name, BlockDevice device) {
        fs.add(name, device);
    }

    /** Hides the file; I/O on handles already open goes on until they are closed. */
    public boolean remove(String name) {
        return fs.remove(name);
    }

    public List<String> names() {
        return fs.names();
    }

    /** Unmounts (lazily, then by aborting the connection if files stay open) and frees libfuse's state. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Unmount only our own mount. While our loop runs, our connection is alive and the mount
        // with its device number is ours. Once the loop has ended (the connection was aborted) the
        // mount at that place is ours only if it is a dead one: someone may have detached ours and
        // mounted anew (FuseMounts.prepare does), and device numbers are reused, so they prove nothing.
        boolean ours = loop.isAlive()
                ? FuseMounts.find(mountPoint).map(m -> m.minor() == connection).orElse(false)
                : FuseMounts.find(mountPoint).isPresent() && FuseMounts.isDisconnected(mountPoint);
        if (ours) {
            int errno = Libc.lazyUnmount(mountPoint);
            if (errno != 0) {
                LOG.warning("umount2 " + mountPoint + " failed: errno " + errno);
            }
        }
        boolean ended = join(CLOSE_GRACE_MILLIS);
        if (!ended && connection >= 0) {
            LOG.warning(() -> "files on " + mountPoint + " are still open (" + fs.openFiles()
                    + "); aborting FUSE connection " + connection);
            FuseMounts.abort(connection);
            ended = join(CLOSE_GRACE_MILLIS);
        }
        if (!ended) {
            // The loop still runs: its upcall stubs must stay valid, so libfuse's state is leaked.
            LOG.severe("the FUSE loop for " + mountPoint + " did not stop; leaving its state allocated");
            return;
        }
        try {
            lib.loopCfgDestroy.invokeExact(loopConfig);
        } catch (Throwable t) {
            LOG.warning("fuse_loop_cfg_destroy: " + t);
        }
        destroy(lib, fuse);
        arena.close();
        LOG.info(() -> "FUSE export at " + mountPoint + " unmounted (loop returned " + loopResult + ")");
    }

    private boolean join(long millis) {
        try {
            return loop.join(java.time.Duration.ofMillis(millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !loop.isAlive();
        }
    }

    /** fuse_unmount (a no-op once the connection is gone: it polls the fd first) and fuse_destroy. */
    private static void destroy(LibFuse lib, MemorySegment fuse) {
        try {
            lib.fuseUnmount.invokeExact(fuse);
            lib.fuseDestroy.invokeExact(fuse);
        } catch (Throwable t) {
            LOG.warning("fuse_unmount/fuse_destroy: " + t);
        }
    }

}
