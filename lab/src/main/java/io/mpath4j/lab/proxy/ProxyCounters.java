package io.mpath4j.lab.proxy;

/**
 * What a {@link FaultProxy} has done since it started.
 *
 * @param accepted         connections accepted from initiators
 * @param active           connections open now
 * @param upstreamFailures connections whose upstream connect failed (the initiator was reset)
 * @param resets           connections ended by a reset (on command or propagated from a peer)
 * @param bytesToUpstream  bytes written to the target
 * @param bytesToClient    bytes written to the initiator
 * @param bytesDropped     bytes discarded by a {@link BlackholeMode#DROP} blackhole or a half-open connection
 */
public record ProxyCounters(long accepted, long active, long upstreamFailures, long resets, long bytesToUpstream,
        long bytesToClient, long bytesDropped) {

    @Override
    public String toString() {
        return "connections " + active + " open, " + accepted + " accepted, " + upstreamFailures + " upstream failures, "
                + resets + " reset; bytes " + bytesToUpstream + " to upstream, " + bytesToClient + " to client, "
                + bytesDropped + " dropped";
    }
}
