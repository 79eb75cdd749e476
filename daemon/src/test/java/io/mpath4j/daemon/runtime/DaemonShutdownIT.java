package io.mpath4j.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop of a daemon whose only path is gone while fio writes through it with
 * {@code no_path_retry queue}: without failing the queued I/O the NBD export would wait for it for
 * ever. The stop fails it, fio gets errors instead of hanging, and the socket is removed.
 */
class DaemonShutdownIT {

    @TempDir
    Path dir;

    @Test
    void stopFailsIoQueuedWithoutAPathInsteadOfHanging() throws Exception {
        int nbdPort = PeerProcess.freePort();
        int exportPort = PeerProcess.freePort();
        Path conf = dir.resolve("m.conf");
        Files.writeString(conf, """
                defaults {
                	polling_interval 1
                	no_path_retry queue
                	find_multipaths greedy
                }
                nbd {
                	endpoint {
                		uri nbd://127.0.0.1:%d/
                		wwid 3600queued
                	}
                }
                export {
                	nbd {
                		listen 127.0.0.1:%d
                	}
                }
                """.formatted(nbdPort, exportPort));
        Path socket = dir.resolve("mpath.sock");
        try (PeerProcess nbdkit = PeerProcess.startServer(List.of("nbdkit", "-f", "--exit-with-parent", "-i", "127.0.0.1",
                "-p", Integer.toString(nbdPort), "memory", "32M"), "127.0.0.1", nbdPort, Duration.ofSeconds(10))) {
            Daemon daemon = Daemon.start(new ConfigFile(conf), socket);
            CompletableFuture<Void> stopped = null;
            try {
                assertThat(daemon.mapNames()).containsExactly("3600queued");
                CompletableFuture<PeerProcess.Result> fio = CompletableFuture.supplyAsync(() -> PeerProcess.run(List.of("fio",
                        "--name=queued", "--ioengine=nbd", "--uri=nbd://127.0.0.1:" + exportPort + "/3600queued",
                        "--rw=randwrite", "--bs=4k", "--iodepth=8", "--size=8M", "--runtime=30", "--time_based"),
                        Duration.ofSeconds(90)), command -> Thread.ofPlatform().name("test-fio").start(command));
                Thread.sleep(1_500);
                nbdkit.kill(); // the only path: I/O now queues (no_path_retry queue)
                Thread.sleep(1_500);
                // fio's wait above and this close block: each on its own thread, as DaemonCommand's main
                // thread does, because the devices' control threads run on the common pool (one worker
                // on a 2-CPU machine) and a blocked worker there would stall them
                CompletableFuture<Void> done = new CompletableFuture<>();
                stopped = done;
                Thread.ofPlatform().name("test-daemon-close").start(() -> {
                    daemon.close();
                    done.complete(null);
                });
                // a hang shows as a timeout here, not as a slow pass: the bound is far above the stop's own caps
                stopped.get(60, TimeUnit.SECONDS);
                PeerProcess.Result r = fio.get(60, TimeUnit.SECONDS);
                assertThat(r.exitCode()).as(r.output()).isNotZero();
                assertThat(socket).doesNotExist();
            } finally {
                if (stopped == null) {
                    daemon.close();
                }
            }
        }
    }
}
