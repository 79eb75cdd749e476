package io.mpath4j.daemon.control;

import io.mpath4j.core.device.DeviceCounters;
import io.mpath4j.core.device.DeviceEvent;
import io.mpath4j.core.device.GroupView;
import io.mpath4j.core.device.PathView;
import io.mpath4j.core.device.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shape of topologies, paths, counters and events. Field names are part of the
 * management API: scripts parse them, so they only ever gain fields (ManagementJsonTest pins
 * them). Maps keep insertion order so the output reads top-down like the text listing.
 */
final class TopologyJson {

    private TopologyJson() {}

    static Map<String, Object> map(Topology t, String vendorProduct) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("wwid", t.wwid());
        m.put("vendor_product", vendorProduct);
        m.put("size_bytes", t.geometry().sizeBytes());
        m.put("logical_block_size", t.geometry().logicalBlockSize());
        m.put("queue_mode", t.queueMode());
        m.put("selector", t.selectorDescription());
        m.put("active_group", t.activeGroup() < 0 ? null : t.activeGroup() + 1);
        m.put("usable_paths", t.usablePathCount());
        m.put("version", t.version());
        List<Object> groups = new ArrayList<>();
        int n = 1;
        for (GroupView g : t.groups()) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("group", n++);
            gm.put("priority", g.priority());
            gm.put("status", g.status().toString());
            gm.put("paths", g.paths().stream().map(TopologyJson::path).toList());
            groups.add(gm);
        }
        m.put("groups", groups);
        return m;
    }

    static Map<String, Object> path(PathView p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("dm_state", p.dmState());
        m.put("checker_state", p.checker().toString());
        m.put("access_state", p.access().toString());
        m.put("priority", p.priority());
        m.put("usable", p.usable());
        m.put("admin_failed", p.adminFailed());
        m.put("fail_reason", p.failReason());
        m.put("held", p.heldUntilNanos() != 0);
        m.put("target_port_group", p.identity().targetPortGroup() < 0 ? null : p.identity().targetPortGroup());
        m.put("target", p.identity().targetNodeName());
        return m;
    }

    static Map<String, Object> counters(String name, DeviceCounters c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("submitted", c.submitted());
        m.put("completed_ok", c.completedOk());
        m.put("completed_failed", c.completedFailed());
        m.put("redrives", c.redrives());
        m.put("retries", c.retries());
        m.put("failovers", c.failovers());
        m.put("group_switches", c.groupSwitches());
        m.put("queued_total", c.queuedTotal());
        return m;
    }

    static Map<String, Object> event(DeviceEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", e.device());
        m.put("path", e.path());
        m.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("detail", e.detail());
        m.put("engine_nanos", e.nanos());
        return m;
    }
}
