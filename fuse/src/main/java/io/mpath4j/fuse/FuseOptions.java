package io.mpath4j.fuse;

import java.time.Duration;

/**
 * How a {@link FuseExport} mounts.
 *
 * @param maxThreads libfuse worker threads, hence the most requests served at once: each worker
 *     blocks on the device for the request it holds, so this is the export's queue depth; also
 *     the kernel's max_background for the mount (default 32: fio's 4 jobs x iodepth 8 all in
 *     flight; 16 left half of them waiting)
 * @param directIo open every file with FOPEN_DIRECT_IO: the kernel page cache is bypassed for
 *     all I/O (as nbdfuse does) instead of only for O_DIRECT opens; costs mmap support
 * @param attrTimeout how long the kernel may cache a file's attributes, hence how soon a
 *     capacity change shows in its size
 */
public record FuseOptions(int maxThreads, boolean directIo, Duration attrTimeout) {

    public static final FuseOptions DEFAULTS = new FuseOptions(32, false, Duration.ofSeconds(1));

    public FuseOptions {
        if (maxThreads < 1 || maxThreads > 1024) {
            throw new IllegalArgumentException("maxThreads must be 1..1024, got " + maxThreads);
        }
        if (attrTimeout.isNegative()) {
            throw new IllegalArgumentException("negative attrTimeout");
        }
    }

    public FuseOptions withMaxThreads(int n) {
        return new FuseOptions(n, directIo, attrTimeout);
    }

    public FuseOptions withDirectIo(boolean on) {
        return new FuseOptions(maxThreads, on, attrTimeout);
    }
}
