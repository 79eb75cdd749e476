package io.mpath4j.nbd.client;

import io.mpath4j.nbd.protocol.TransmissionFlag;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Opens the paths of one unit from a list of URIs, applying the multi-connection rule.
 *
 * <p>proto.md {@code NBD_FLAG_CAN_MULTI_CONN}: only if the server sets it may a client use several
 * connections to the same export and rely on them being consistent with each other (a flush on
 * one covers writes completed on all; a write completed on one is visible to a read on another).
 * Without it, two connections to one server and export are not two paths to the same data: each
 * may cache on its own. So for URIs that name the same server ({@code address:port}, the host
 * resolved) and export, the first connection is kept, and the others are opened only if it
 * advertised {@code CAN_MULTI_CONN}; otherwise they are left out with a warning saying why.
 *
 * <p>Different servers that share one backing store (two nbdkit processes on one file, as in
 * the tests) cannot be told apart from different data: that is what the configured WWID asserts,
 * and it is the administrator's responsibility.
 */
public final class NbdPaths {

    private NbdPaths() {}

    /**
     * The paths that were opened, and why others were not.
     *
     * @param paths the connected paths, in the order of the URIs
     * @param warnings one line per URI left out (unreachable, or a second connection without
     *     {@code CAN_MULTI_CONN})
     */
    public record Result(List<NbdPath> paths, List<String> warnings) {
        public Result {
            paths = List.copyOf(paths);
            warnings = List.copyOf(warnings);
        }
    }

    /** Connects to each URI in turn (each within the connect timeout); never throws for one bad URI. */
    public static Result connect(List<NbdUri> uris, String wwid, NbdClientOptions options) {
        Objects.requireNonNull(wwid, "wwid");
        List<NbdPath> paths = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, NbdPath> firstByTarget = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (NbdUri uri : uris) {
            String target = targetKey(uri);
            NbdPath first = firstByTarget.get(target);
            if (first != null && !first.export().has(TransmissionFlag.CAN_MULTI_CONN)) {
                warnings.add(uri + ": left out, it is the same server and export as " + first.identity().name()
                        + ", which does not advertise NBD_FLAG_CAN_MULTI_CONN: a second connection would not be a"
                        + " consistent path to the same data (proto.md); keeping " + first.identity().name() + " only");
                continue;
            }
            String name = uri.toString();
            for (int n = 2; names.contains(name); n++) {
                name = uri + "#" + n;
            }
            try {
                NbdPath p = NbdPath.connect(uri, name, wwid, options);
                paths.add(p);
                names.add(name);
                firstByTarget.putIfAbsent(target, p);
            } catch (IOException e) {
                warnings.add(uri + ": left out, cannot connect: " + e.getMessage());
            }
        }
        return new Result(paths, warnings);
    }

    /** {@code address:port/export}, host names resolved so that two spellings of one server match. */
    static String targetKey(NbdUri uri) {
        String host = uri.host();
        try {
            host = InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            // unresolvable: keep the name; connecting will fail and say so
        }
        return host + "|" + uri.port() + "|" + uri.export();
    }
}
