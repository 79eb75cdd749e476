package io.mpath4j.daemon.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in device table (multipath-tools' hwtable): settings storage vendors publish for
 * their arrays, applied to units whose INQUIRY vendor/product match, below the user's
 * {@code devices} section. Values are those of multipath-tools' libmultipath/hwtable.c (as of
 * 0.9.x) except where mpath4j lacks the feature: vendor prioritizers (emc, ontap, rdac, hds)
 * are left out so that {@code detect_prio} picks alua on ALUA units and const otherwise, and
 * kernel-only settings (hardware_handler, dev_loss_tmo, fast_io_fail_tmo, checker) are omitted.
 * {@code no_path_retry (300 / DEFAULT_CHECKINT)} of hwtable.c is written out as 60.
 */
public final class BuiltinDevices {

    public static final List<DeviceEntry> TABLE = List.of(
            // NetApp ONTAP FAS/AFF: hwtable.c "ONTAP FAS/AFF Series" (maintainer Martin George, NetApp);
            // prio ontap (not implemented) left to detect_prio; flush_on_last_del/dev_loss_tmo are kernel-side.
            entry("NETAPP", "LUN", "", "multipath-tools hwtable.c: NETAPP LUN (ONTAP FAS/AFF)",
                    "features", "2 pg_init_retries 50", "no_path_retry", "queue",
                    "path_grouping_policy", "group_by_prio", "failback", "immediate", "user_friendly_names", "no"),
            // Pure Storage FlashArray: hwtable.c "FlashArray"; also Pure's Linux recommended settings
            // (https://support.purestorage.com, "Linux Recommended Settings"): ALUA, group_by_prio.
            entry("PURE", "FlashArray", "", "multipath-tools hwtable.c: PURE FlashArray",
                    "path_grouping_policy", "group_by_prio", "failback", "immediate", "prio", "alua",
                    "detect_prio", "no"),
            // Dell EMC CLARiiON CX/AX, VNX, Unity: hwtable.c "DGC"; prio emc (PNR mode) not implemented,
            // ALUA mode (failover mode 4) gets alua through detect_prio; LUNZ is the array's gatekeeper LUN.
            entry("^DGC", "^(RAID|DISK|VRAID)", "LUNZ", "multipath-tools hwtable.c: DGC CLARiiON/VNX/Unity",
                    "path_grouping_policy", "group_by_prio", "failback", "immediate", "no_path_retry", "60"),
            // IBM Storwize / SVC / FlashSystem: hwtable.c "^2145".
            entry("IBM", "^2145", "", "multipath-tools hwtable.c: IBM 2145 (SVC, Storwize, FlashSystem)",
                    "no_path_retry", "queue", "path_grouping_policy", "group_by_prio", "failback", "immediate",
                    "prio", "alua"),
            // HPE 3PAR / Primera / Alletra 9000: hwtable.c "3PARdata VV".
            entry("3PARdata", "VV", "", "multipath-tools hwtable.c: 3PARdata VV (3PAR, Primera, Alletra 9000)",
                    "path_grouping_policy", "group_by_prio", "failback", "immediate", "prio", "alua",
                    "no_path_retry", "18"),
            // HPE Nimble / Alletra 5000/6000: hwtable.c "Nimble Server".
            entry("Nimble", "Server", "", "multipath-tools hwtable.c: Nimble Server (Nimble, Alletra 5000/6000)",
                    "path_grouping_policy", "group_by_prio", "failback", "immediate", "prio", "alua",
                    "no_path_retry", "queue"),
            // Dell PowerStore: hwtable.c "DellEMC PowerStore".
            entry("DellEMC", "PowerStore", "", "multipath-tools hwtable.c: DellEMC PowerStore",
                    "path_grouping_policy", "group_by_prio", "prio", "alua", "failback", "immediate",
                    "no_path_retry", "3"),
            // Linux LIO target (targetcli): hwtable.c "(LIO-ORG|SUSE)"; checker directio is kernel-side.
            entry("(LIO-ORG|SUSE)", ".*", "", "multipath-tools hwtable.c: LIO-ORG (Linux-IO target)",
                    "path_grouping_policy", "group_by_prio", "failback", "immediate", "no_path_retry", "12",
                    "prio", "alua"),
            // tgt (stgt, tgtd): not in hwtable.c. tgt reports no ALUA (TPGS 0) and serves a LUN equally on
            // every portal (tgt's doc/README.iscsi; seen in this project's TgtTarget tests), so all paths form
            // one group; queueing rides out tgtd restarts in the lab. mpath4j's own entry.
            entry("IET", "VIRTUAL-DISK", "", "mpath4j: tgt (IET VIRTUAL-DISK), no ALUA, all portals equal",
                    "path_grouping_policy", "multibus", "no_path_retry", "12"));

    private BuiltinDevices() {
    }

    private static DeviceEntry entry(String vendor, String product, String productBlacklist, String source,
            String... keywordsAndValues) {
        List<Setting> settings = new ArrayList<>();
        SourceLocation at = SourceLocation.builtin("hwtable " + vendor + "/" + product);
        for (int i = 0; i < keywordsAndValues.length; i += 2) {
            settings.add(new Setting(keywordsAndValues[i], keywordsAndValues[i + 1], at, Layer.HWTABLE));
        }
        return new DeviceEntry(vendor, product, "", productBlacklist, Attributes.of(settings), at, source);
    }
}
