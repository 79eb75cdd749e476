package io.mpath4j.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import io.mpath4j.core.time.SystemTimeSource;
import io.mpath4j.daemon.config.ConfigLoader;
import io.mpath4j.daemon.config.ConfigResolver;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a changed file means for live devices, and what only a restart applies. */
class ReconfigurationTest {

    private static final String BASE = """
            defaults {
            	polling_interval 1
            }
            multipaths {
            	multipath {
            		wwid wwid-a
            		alias disk
            	}
            }
            nbd {
            	endpoint {
            		uri nbd://127.0.0.1:10809/a
            		wwid wwid-a
            	}
            }
            """;

    private final PathIdentity id = new PathIdentity("nbd://127.0.0.1:10809/a", "wwid-a", "MPATH4J", "SIM", "1", "", -1, "");
    private final MultipathDevice device = new MultipathDevice("disk", io.mpath4j.core.device.DeviceConfig.defaults(),
            Engine.system(MonitorConfig.DEFAULT),
            List.of(new SimulatedPath(id, new SimulatedMedium(1 << 20, 512), SystemTimeSource.instance())));
    private final LiveUnit unit = new LiveUnit("wwid-a", device, id, false);

    @AfterEach
    void close() {
        device.close();
    }

    private static ConfigResolver resolver(String text) {
        ConfigLoader.Result r = ConfigLoader.parse("m.conf", text);
        assertThat(r.errors()).isEmpty();
        return new ConfigResolver(r.config());
    }

    @Test
    void aChangedSettingIsReportedWithItsNewLine() {
        String changed = BASE.replace("polling_interval 1\n", "polling_interval 1\n\tpath_selector \"round-robin 0\"\n");
        Reconfiguration plan = Reconfiguration.plan(List.of(unit), resolver(BASE), resolver(changed));
        assertThat(plan.changes()).hasSize(1);
        assertThat(plan.changes().getFirst().settings())
                .containsExactly("path_selector \"service-time 0\" -> \"round-robin 0\" (m.conf:3:16)");
        assertThat(plan.changes().getFirst().config().selector().get().describe()).isEqualTo("round-robin 0");
        assertThat(plan.needRestart()).isEmpty();
    }

    @Test
    void aMultipathsEntryOutranksDefaults() {
        String changed = BASE.replace("alias disk\n", "alias disk\n\t\tno_path_retry queue\n")
                .replace("polling_interval 1\n", "polling_interval 1\n\tno_path_retry 5\n");
        Reconfiguration plan = Reconfiguration.plan(List.of(unit), resolver(BASE), resolver(changed));
        assertThat(plan.changes().getFirst().settings()).singleElement().asString()
                .startsWith("no_path_retry \"fail\" -> \"queue\" (m.conf:9:");
    }

    @Test
    void movedLinesAreNoChangeAndTransportsWaitForARestart() {
        String moved = "# a comment moves every line\n" + BASE;
        Reconfiguration plan = Reconfiguration.plan(List.of(unit), resolver(BASE), resolver(moved));
        assertThat(plan.changes()).isEmpty();
        assertThat(plan.needRestart()).isEmpty();

        String other = BASE.replace("nbd://127.0.0.1:10809/a", "nbd://127.0.0.2:10809/a").replace("alias disk", "alias data")
                .replace("polling_interval 1", "polling_interval 2");
        plan = Reconfiguration.plan(List.of(unit), resolver(BASE), resolver(other));
        assertThat(plan.needRestart()).hasSize(3).anySatisfy(s -> assertThat(s).startsWith("nbd endpoints"))
                .anySatisfy(s -> assertThat(s).startsWith("alias of disk")).anySatisfy(s -> assertThat(s).startsWith("polling_interval"));
    }
}
