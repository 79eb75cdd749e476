/**
 * The NBD export: {@link io.mpath4j.nbd.server.NbdServer} serves any {@link
 * io.mpath4j.core.BlockDevice} to NBD clients (qemu, nbd-client, nbdcopy, fio, libnbd) over TCP,
 * optionally with TLS. Socket code lives here; the wire format is {@link io.mpath4j.nbd.protocol}.
 */
package io.mpath4j.nbd.server;
