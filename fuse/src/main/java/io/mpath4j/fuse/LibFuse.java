package io.mpath4j.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into libfuse3 (the high-level API of fuse.h) and the two libc calls the mount's
 * lifecycle needs.
 *
 * <p>Versioned symbols: libfuse exports {@code fuse_new} and {@code fuse_loop_mt} in several ABI
 * versions ({@code nm -D libfuse3.so.3}: fuse_new@FUSE_3.0 and @@FUSE_3.1, fuse_loop_mt @FUSE_3.0,
 * @FUSE_3.2 and @@FUSE_3.12). dlsym would pick the default version, but we name the
 * implementations the 3.14 headers bind to explicitly — {@code fuse_new_31} (takes struct
 * fuse_args*) and {@code fuse_loop_mt_312} (takes the opaque struct fuse_loop_config* of
 * fuse_loop_cfg_create) — so a library without them fails at load time, not with a crash.
 */
final class LibFuse {

    static final String LIBRARY = "libfuse3.so.3";

    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile LibFuse instance;

    final MethodHandle fuseNew;         // struct fuse *fuse_new_31(struct fuse_args*, const struct fuse_operations*, size_t, void*)
    final MethodHandle fuseMount;       // int fuse_mount(struct fuse*, const char *mountpoint)
    final MethodHandle fuseUnmount;     // void fuse_unmount(struct fuse*)
    final MethodHandle fuseDestroy;     // void fuse_destroy(struct fuse*)
    final MethodHandle fuseExit;        // void fuse_exit(struct fuse*)
    final MethodHandle fuseLoopMt;      // int fuse_loop_mt_312(struct fuse*, struct fuse_loop_config*)
    final MethodHandle loopCfgCreate;   // struct fuse_loop_config *fuse_loop_cfg_create(void)
    final MethodHandle loopCfgDestroy;  // void fuse_loop_cfg_destroy(struct fuse_loop_config*)
    final MethodHandle loopCfgSetMaxThreads;  // void fuse_loop_cfg_set_max_threads(cfg, unsigned)
    final MethodHandle loopCfgSetIdleThreads; // void fuse_loop_cfg_set_idle_threads(cfg, unsigned)
    final MethodHandle loopCfgSetCloneFd;     // void fuse_loop_cfg_set_clone_fd(cfg, unsigned)
    final MethodHandle optFreeArgs;     // void fuse_opt_free_args(struct fuse_args*)
    /** int (*fuse_fill_dir_t)(void *buf, const char *name, const struct stat*, off_t, enum fuse_fill_dir_flags), called through a pointer. */
    final MethodHandle fillDir;

    private LibFuse(SymbolLookup lib) {
        fuseNew = down(lib, "fuse_new_31", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        fuseMount = down(lib, "fuse_mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        fuseUnmount = down(lib, "fuse_unmount", FunctionDescriptor.ofVoid(ADDRESS));
        fuseDestroy = down(lib, "fuse_destroy", FunctionDescriptor.ofVoid(ADDRESS));
        fuseExit = down(lib, "fuse_exit", FunctionDescriptor.ofVoid(ADDRESS));
        fuseLoopMt = down(lib, "fuse_loop_mt_312", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        loopCfgCreate = down(lib, "fuse_loop_cfg_create", FunctionDescriptor.of(ADDRESS));
        loopCfgDestroy = down(lib, "fuse_loop_cfg_destroy", FunctionDescriptor.ofVoid(ADDRESS));
        loopCfgSetMaxThreads = down(lib, "fuse_loop_cfg_set_max_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        loopCfgSetIdleThreads = down(lib, "fuse_loop_cfg_set_idle_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        loopCfgSetCloneFd = down(lib, "fuse_loop_cfg_set_clone_fd", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        optFreeArgs = down(lib, "fuse_opt_free_args", FunctionDescriptor.ofVoid(ADDRESS));
        fillDir = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    /** Loads libfuse3 once per JVM; the library stays loaded (its upcall threads may outlive a mount briefly). */
    static LibFuse load() {
        LibFuse l = instance;
        if (l == null) {
            synchronized (LibFuse.class) {
                l = instance;
                if (l == null) {
                    SymbolLookup lib;
                    try {
                        lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException("cannot load " + LIBRARY
                                + ": install libfuse3 (Debian: apt-get install fuse3)", e);
                    }
                    l = new LibFuse(lib);
                    instance = l;
                }
            }
        }
        return l;
    }

    private static MethodHandle down(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException(
                LIBRARY + " has no symbol " + name + ": libfuse 3.12 or later is needed"));
        return LINKER.downcallHandle(symbol, fd);
    }

    static Linker linker() {
        return LINKER;
    }
}
