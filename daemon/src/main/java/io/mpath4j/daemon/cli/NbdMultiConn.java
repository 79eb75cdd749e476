package io.mpath4j.daemon.cli;

import io.mpath4j.nbd.client.NbdClientOptions;
import io.mpath4j.nbd.client.NbdPath;
import io.mpath4j.nbd.client.NbdPaths;
import io.mpath4j.nbd.client.NbdUri;
import io.mpath4j.nbd.protocol.TransmissionFlag;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code mpath serve --connections N}: N NBD connections to each {@code nbd://} URI, each a path of
 * the device, so requests spread over N sockets (and N server threads) the way nbdfuse and qemu
 * use multi-conn.
 *
 * <p>proto.md allows that only when the export advertises {@code NBD_FLAG_CAN_MULTI_CONN}: then the
 * connections are consistent with each other and so independent paths to one unit. Asked for more
 * than one connection to an export that does not advertise it, serve refuses to start (closing
 * what it opened) instead of quietly serving with fewer connections than asked.
 */
final class NbdMultiConn {

    private NbdMultiConn() {}

    /** Each URI repeated {@code connections} times, in order: what {@link NbdPaths#connect} opens as separate paths. */
    static List<NbdUri> expand(List<NbdUri> uris, int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("--connections must be positive, got " + connections);
        }
        List<NbdUri> all = new ArrayList<>(uris.size() * connections);
        for (NbdUri u : uris) {
            all.addAll(Collections.nCopies(connections, u));
        }
        return all;
    }

    /**
     * Opens {@code connections} paths per URI. NbdPaths leaves a second connection out (with a
     * warning) when the export lacks CAN_MULTI_CONN; here that is an error, since the user asked for them.
     */
    static NbdPaths.Result connect(List<NbdUri> uris, int connections, String wwid, NbdClientOptions options) {
        NbdPaths.Result opened = NbdPaths.connect(expand(uris, connections), wwid, options);
        if (connections == 1) {
            return opened;
        }
        List<String> refused = opened.paths().stream()
                .filter(p -> !p.export().has(TransmissionFlag.CAN_MULTI_CONN))
                .map(p -> p.uri().toString())
                .distinct()
                .toList();
        if (!refused.isEmpty()) {
            opened.paths().forEach(NbdPath::close);
            throw new IllegalArgumentException("--connections " + connections + ": " + String.join(", ", refused)
                    + (refused.size() == 1 ? " does" : " do") + " not advertise NBD_FLAG_CAN_MULTI_CONN, so several"
                    + " connections to it would not be consistent paths to the same data (NBD proto.md);"
                    + " use --connections 1, or a server/export that allows multi-conn");
        }
        return opened;
    }
}
