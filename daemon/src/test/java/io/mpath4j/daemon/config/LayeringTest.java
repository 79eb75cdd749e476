package io.mpath4j.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.FailbackPolicy;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.group.StandardGroupingPolicy;
import io.mpath4j.core.monitor.MonitorConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LayeringTest {

    private static ConfigResolver resolver(String text) {
        ConfigLoader.Result r = ConfigLoader.parse("l.conf", text);
        assertThat(r.errors()).isEmpty();
        return new ConfigResolver(r.config());
    }

    @Test
    void anEmptyFileGivesTheEngineDefaults() {
        ConfigResolver r = resolver("");
        DeviceConfig config = r.deviceConfig("w", "ACME", "Box", "", false);
        DeviceConfig engine = DeviceConfig.defaults();
        assertThat(config.grouping()).isEqualTo(engine.grouping());
        assertThat(config.prioritizer().toString()).isEqualTo(engine.prioritizer().toString());
        assertThat(config.selector().get().getClass()).isEqualTo(engine.selector().get().getClass());
        assertThat(config.failback()).isEqualTo(engine.failback());
        assertThat(config.noPathRetry()).isEqualTo(engine.noPathRetry());
        assertThat(config.pollingInterval()).isEqualTo(engine.pollingInterval());
        assertThat(config.flapDamping()).isEqualTo(engine.flapDamping());
        assertThat(r.monitorConfig()).isEqualTo(MonitorConfig.DEFAULT);
    }

    @Test
    void eachLayerOverridesTheOneBelow() {
        ConfigResolver r = resolver("""
                defaults {
                	failback 10
                	no_path_retry 5
                	path_grouping_policy multibus
                	rr_min_io_rq 3
                }
                devices {
                	device {
                		vendor "ACME"
                		product "Box"
                		failback 20
                		no_path_retry 6
                	}
                }
                overrides {
                	no_path_retry 7
                }
                multipaths {
                	multipath {
                		wwid w1
                		failback manual
                	}
                }
                """);
        DeviceConfig w1 = r.deviceConfig("w1", "ACME", "Box", "", false);
        assertThat(w1.failback()).isEqualTo(new FailbackPolicy.Manual()); // multipaths
        assertThat(w1.noPathRetry()).isEqualTo(new NoPathRetry.Retries(7)); // overrides over devices
        assertThat(w1.grouping()).isEqualTo(StandardGroupingPolicy.MULTIBUS); // defaults
        DeviceConfig w2 = r.deviceConfig("w2", "ACME", "Box", "", false);
        assertThat(w2.failback()).isEqualTo(new FailbackPolicy.Deferred(Duration.ofSeconds(20))); // devices
        DeviceConfig other = r.deviceConfig("w3", "OTHER", "Thing", "", false);
        assertThat(other.failback()).isEqualTo(new FailbackPolicy.Deferred(Duration.ofSeconds(10))); // defaults
        Attributes s = r.resolve("w1", "ACME", "Box", "");
        assertThat(s.get("failback").orElseThrow().layer()).isEqualTo(Layer.MULTIPATHS);
        assertThat(s.get("failback").orElseThrow().at()).isEqualTo(new SourceLocation("l.conf", 21, 12));
        assertThat(s.get("no_path_retry").orElseThrow().layer()).isEqualTo(Layer.OVERRIDES);
        assertThat(s.get("rr_min_io_rq").orElseThrow().layer()).isEqualTo(Layer.DEFAULTS);
        assertThat(s.get("prio").orElseThrow().layer()).isEqualTo(Layer.BUILTIN_DEFAULTS);
    }

    @Test
    void theBuiltinTableSitsBetweenDefaultsAndDevices() {
        ConfigResolver r = resolver("defaults {\n\tno_path_retry fail\n\tpath_grouping_policy multibus\n}\n");
        DeviceConfig pure = r.deviceConfig("w", "PURE", "FlashArray", "", true);
        assertThat(pure.grouping()).isEqualTo(StandardGroupingPolicy.GROUP_BY_PRIO); // hwtable over defaults
        assertThat(pure.failback()).isEqualTo(new FailbackPolicy.Immediate());
        assertThat(pure.noPathRetry()).isEqualTo(new NoPathRetry.Fail()); // hwtable sets none: defaults
        assertThat(r.deviceConfig("w", "3PARdata", "VV", "", true).noPathRetry()).isEqualTo(new NoPathRetry.Retries(18));
        assertThat(r.deviceConfig("w", "LIO-ORG", "disk0", "4.0", true).prioritizer().toString()).startsWith("alua");
        assertThat(r.deviceConfig("w", "IET", "VIRTUAL-DISK", "0001", false).grouping()).isEqualTo(StandardGroupingPolicy.MULTIBUS);
    }

    @Test
    void aUserEntryForTheSameVendorAndProductMergesOverTheBuiltinOne() {
        ConfigResolver r = resolver("""
                devices {
                	device {
                		vendor "PURE"
                		product "FlashArray"
                		no_path_retry 30
                		path_selector "queue-length 0"
                	}
                }
                """);
        DeviceEntry merged = r.deviceTable().stream().filter(d -> d.vendor().equals("PURE")).findFirst().orElseThrow();
        assertThat(r.deviceTable()).filteredOn(d -> d.vendor().equals("PURE")).hasSize(1);
        assertThat(merged.source()).contains("hwtable.c").contains("l.conf:2:2");
        DeviceConfig c = r.deviceConfig("w", "PURE", "FlashArray", "", true);
        assertThat(c.noPathRetry()).isEqualTo(new NoPathRetry.Retries(30)); // the user's
        assertThat(c.grouping()).isEqualTo(StandardGroupingPolicy.GROUP_BY_PRIO); // the built-in's, kept
        assertThat(c.selector().get().getClass().getSimpleName()).isEqualTo("QueueLengthSelector");
    }

    @Test
    void detectPrioPicksAluaForAluaUnitsBeforeAnyConfiguredPrio() {
        ConfigResolver plain = resolver("");
        assertThat(plain.deviceConfig("w", "ACME", "Box", "", true).prioritizer().toString()).startsWith("alua");
        assertThat(plain.deviceConfig("w", "ACME", "Box", "", false).prioritizer().toString()).startsWith("const");
        // multipath-tools' select_prio detects first, so even an overrides prio loses on ALUA units ...
        ConfigLoader.Result chosen = ConfigLoader.parse("l.conf", "overrides {\n\tprio const\n}\n");
        assertThat(chosen.warnings()).extracting(Diagnostic::toString).containsExactly("l.conf:2:7: warning: prio const"
                + " applies only to units without ALUA: detect_prio yes picks alua for ALUA units first, as in"
                + " multipath-tools; set detect_prio no to force const");
        ConfigResolver r = new ConfigResolver(chosen.config());
        assertThat(r.deviceConfig("w", "ACME", "Box", "", true).prioritizer().toString()).startsWith("alua");
        assertThat(r.deviceConfig("w", "ACME", "Box", "", false).prioritizer().toString()).startsWith("const");
        // ... unless detection is off
        ConfigResolver off = resolver("overrides {\n\tprio const\n\tdetect_prio no\n}\n");
        assertThat(off.deviceConfig("w", "ACME", "Box", "", true).prioritizer().toString()).startsWith("const");
    }

    @Test
    void queueIfNoPathQueuesUnlessNoPathRetryIsSet() {
        assertThat(resolver("defaults {\n\tfeatures \"1 queue_if_no_path\"\n}\n").deviceConfig("w", "A", "B", "", false)
                .noPathRetry()).isEqualTo(new NoPathRetry.Queue());
        assertThat(resolver("defaults {\n\tfeatures \"1 queue_if_no_path\"\n\tno_path_retry 4\n}\n")
                .deviceConfig("w", "A", "B", "", false).noPathRetry()).isEqualTo(new NoPathRetry.Retries(4));
    }

    @Test
    void flapDampingFromSanPathErrSettings() {
        ConfigResolver r = resolver("""
                defaults {
                	polling_interval 2
                	san_path_err_threshold 5
                	san_path_err_forget_rate 30
                	san_path_err_recovery_time 600
                }
                """);
        FlapDamping f = r.deviceConfig("w", "A", "B", "", false).flapDamping();
        assertThat(f).isEqualTo(new FlapDamping(5, Duration.ofSeconds(60), Duration.ofSeconds(600), Duration.ofSeconds(600)));
        assertThat(resolver("defaults {\n\tsan_path_err_threshold no\n}\n").deviceConfig("w", "A", "B", "", false)
                .flapDamping().enabled()).isFalse();
    }

    @Test
    void printedConfigurationReadsBackToTheSameSettings() throws Exception {
        ConfigLoader.Result original = RealWorldConfigTest.load("exceptions-aliases.conf");
        ConfigResolver r = new ConfigResolver(original.config());
        String printed = ConfigPrinter.print(r);
        ConfigLoader.Result back = ConfigLoader.parse("printed.conf", printed);
        assertThat(back.errors()).isEmpty();
        ConfigResolver r2 = new ConfigResolver(back.config());
        for (String[] unit : new String[][] {{"3600a098038303053453f463045727432", "NETAPP", "LUN"},
                {"nbd-scratch-1", "", ""}, {"x", "PURE", "FlashArray"}, {"y", "DGC", "VRAID"}}) {
            assertThat(values(r2.resolve(unit[0], unit[1], unit[2], ""))).as(unit[0])
                    .isEqualTo(values(r.resolve(unit[0], unit[1], unit[2], "")));
        }
        assertThat(back.config().multipaths()).isEqualTo(original.config().multipaths().stream()
                .map(m -> back.config().multipath(m.wwid()).orElseThrow()).toList());
        assertThat(back.config().portals()).extracting(IscsiPortal::address)
                .isEqualTo(original.config().portals().stream().map(IscsiPortal::address).toList());
        assertThat(back.config().nbdEndpoints()).extracting(NbdEndpoint::uri)
                .isEqualTo(original.config().nbdEndpoints().stream().map(NbdEndpoint::uri).toList());
        assertThat(printed).contains("\tpath_selector \"queue-length 0\"\n").contains("# multipath-tools hwtable.c: PURE FlashArray");
    }

    private static java.util.Map<String, String> values(Attributes a) {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        a.settings().forEach(s -> m.put(s.keyword(), s.value()));
        return m;
    }
}
