package io.mpath4j.iscsi;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.iscsi.login.SendTargets;
import io.mpath4j.iscsi.login.TargetPortal;
import io.mpath4j.iscsi.session.Discovery;
import io.mpath4j.iscsi.session.IscsiSession;
import io.mpath4j.iscsi.session.ScsiCommand;
import io.mpath4j.iscsi.session.ScsiResult;
import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.data.Lun;
import io.mpath4j.scsi.data.ReportLunsData;
import io.mpath4j.scsi.vpd.StandardInquiry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a portal offers: SendTargets discovery, then per target a login, REPORT LUNS, and per
 * direct-access unit the identity an {@link IscsiPath} would read (WWID, vendor/product, size,
 * access state). For {@code mpath discover}.
 */
public final class IscsiInventory {

    private IscsiInventory() {}

    /** One logical unit; {@code identity}/{@code geometry}/{@code accessState} are null if it was not probed. */
    public record Unit(int lun, int deviceType, PathIdentity identity, Geometry geometry, AccessState accessState,
            String note) {}

    /** One target with its portals and units; {@code error} is non-empty if it could not be listed. */
    public record Target(String name, List<TargetPortal> portals, List<Unit> units, String error) {}

    /** Discovers the targets of {@code portal} and lists their units (logins use its credentials). */
    public static List<Target> list(IscsiUri portal, IscsiOptions options) throws IOException {
        List<Target> out = new ArrayList<>();
        for (SendTargets.DiscoveredTarget t : Discovery.sendTargets(portal, options)) {
            try {
                out.add(new Target(t.name(), t.portals(), units(portal.withTarget(t.name(), 0), options), ""));
            } catch (IOException e) {
                out.add(new Target(t.name(), t.portals(), List.of(), e.getMessage()));
            }
        }
        return out;
    }

    private static List<Unit> units(IscsiUri lun0, IscsiOptions options) throws IOException {
        IscsiSession s = IscsiSession.open(lun0, options, IscsiSession.randomIsid(new SecureRandom()), x -> {}, null);
        List<Unit> units = new ArrayList<>();
        try {
            byte[] data = dataIn(s, 0, new Cdb.ReportLuns(0, 4096), 4096, options);
            List<Lun> luns;
            try {
                luns = ReportLunsData.decode(data).luns();
            } catch (ScsiFormatException e) {
                throw new IOException("REPORT LUNS from " + lun0.name() + ": " + e.getMessage(), e);
            }
            for (Lun lun : luns) {
                int n = lun.number();
                int type;
                try {
                    type = StandardInquiry.decode(dataIn(s, lun.raw(), Cdb.Inquiry.standard(96), 96, options))
                            .deviceType();
                } catch (IOException | ScsiFormatException e) {
                    units.add(new Unit(n, -1, null, null, null, "INQUIRY failed: " + e.getMessage()));
                    continue;
                }
                if (type != 0) {
                    units.add(new Unit(n, type, null, null, null,
                            String.format("peripheral device type %02Xh, not a disk: skipped", type)));
                    continue;
                }
                try (IscsiPath p = IscsiPath.connect(lun0.withTarget(lun0.target(), n), options)) {
                    units.add(new Unit(n, type, p.identity(), p.geometry(), p.accessState(), ""));
                } catch (IOException | RuntimeException e) {
                    units.add(new Unit(n, type, null, null, null, e.getMessage()));
                }
            }
        } finally {
            s.close();
        }
        return units;
    }

    private static byte[] dataIn(IscsiSession s, long lun, Cdb cdb, int length, IscsiOptions options)
            throws IOException {
        for (int attempt = 0; ; attempt++) {
            ByteBuffer b = ByteBuffer.allocate(length);
            ScsiResult r;
            try {
                r = s.execute(ScsiCommand.read(lun, cdb.encode(), b)).get(options.commandTimeout().toMillis() + 2000,
                        TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IOException(e.toString(), e);
            }
            switch (r) {
                case ScsiResult.Failed f -> throw new IOException(f.reason());
                case ScsiResult.Completed c -> {
                    if (c.status() == 0) {
                        int got = c.underflow() ? length - c.residualCount() : length;
                        byte[] out = new byte[Math.max(0, Math.min(length, got))];
                        b.get(0, out);
                        return out;
                    }
                    if (c.status() == 2 && attempt < 3) {
                        continue; // a unit attention after login
                    }
                    throw new IOException(String.format("command %02Xh ended with status %02Xh", cdb.opcode(),
                            c.status()));
                }
            }
        }
    }
}
