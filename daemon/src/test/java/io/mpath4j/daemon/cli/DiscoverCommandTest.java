package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.mpath4j.core.Geometry;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.iscsi.IscsiInventory;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.login.TargetPortal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DiscoverCommandTest {

    @Test
    void jsonShape() throws Exception {
        var disk = new IscsiInventory.Unit(1, 0, new PathIdentity("iscsi://h:3260/iqn.x:t/1", "36001405abc", "IET",
                "VIRTUAL-DISK", "0001", "beaf11", -1, "iqn.x:t"), new Geometry(64 << 20, 512, 4096, 0),
                AccessState.OPTIMIZED, "");
        var ctl = new IscsiInventory.Unit(0, 12, null, null, null, "not a disk");
        var target = new IscsiInventory.Target("iqn.x:t", List.of(new TargetPortal("h", 3260, OptionalInt.of(1))),
                List.of(ctl, disk), "");
        String json = JSON.std.asString(DiscoverCommand.toJson(IscsiUri.parse("iscsi://h"), List.of(target)));
        Map<String, Object> back = JSON.std.mapFrom(json);
        assertThat(back).containsEntry("portal", "h:3260");
        @SuppressWarnings("unchecked")
        var luns = (List<Map<String, Object>>) ((List<Map<String, Object>>) back.get("targets")).getFirst().get("luns");
        assertThat(luns.get(1)).containsEntry("wwid", "36001405abc").containsEntry("alua_state", "active/optimized")
                .containsEntry("size_bytes", 64 << 20);
        assertThat(luns.get(0)).containsEntry("note", "not a disk");
    }

    @Test
    void aLunUriIsRefusedWithTheFix() {
        StringWriter err = new StringWriter();
        var cli = MpathCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute("discover", "iscsi://u%secret@127.0.0.1:1/iqn.x:t/1");
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("give the portal only").contains("iscsi://127.0.0.1:1")
                .doesNotContain("secret");
    }
}
