package io.mpath4j.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import io.mpath4j.core.time.SystemTimeSource;
import io.mpath4j.daemon.config.Bindings;
import io.mpath4j.daemon.config.ConfigLoader;
import io.mpath4j.daemon.config.ConfigResolver;
import io.mpath4j.daemon.config.MapNaming;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From discovered paths to devices: the unit policy, naming, and closing what is not multipathed. */
class UnitAssemblerTest {

    @TempDir
    java.nio.file.Path dir;

    private final List<LiveUnit> built = new ArrayList<>();

    @AfterEach
    void close() {
        built.forEach(u -> u.device().close());
    }

    private List<LiveUnit> assemble(String conf, Map<String, List<Path>> byWwid) throws IOException {
        return assemble(conf, byWwid, false);
    }

    private List<LiveUnit> assemble(String conf, Map<String, List<Path>> byWwid, boolean singlePaths) throws IOException {
        ConfigLoader.Result r = ConfigLoader.parse("test.conf", conf);
        assertThat(r.errors()).isEmpty();
        ConfigResolver resolver = new ConfigResolver(r.config());
        Bindings bindings = Bindings.load(dir.resolve("bindings"));
        List<LiveUnit> units = new UnitAssembler(resolver, new MapNaming(resolver, bindings), Engine.system(MonitorConfig.DEFAULT), singlePaths)
                .assemble(byWwid);
        built.addAll(units);
        return units;
    }

    private static Map<String, List<Path>> units(List<Path> paths) {
        Map<String, List<Path>> m = new LinkedHashMap<>();
        paths.forEach(p -> m.computeIfAbsent(p.identity().wwid(), w -> new ArrayList<>()).add(p));
        return m;
    }

    @Test
    void aliasesFriendlyNamesAndFindMultipaths() throws IOException {
        SimulatedMedium a = new SimulatedMedium(1 << 20, 512);
        SimulatedMedium b = new SimulatedMedium(1 << 20, 512);
        SimulatedMedium c = new SimulatedMedium(1 << 20, 512);
        List<Path> paths = List.of(sim("nbd://h1/a", "wwid-a", a), sim("nbd://h2/a", "wwid-a", a),
                sim("nbd://h1/b", "wwid-b", b), sim("nbd://h2/b", "wwid-b", b));
        ClosingPath single = new ClosingPath(sim("nbd://h1/c", "wwid-c", c));
        List<Path> all = new ArrayList<>(paths);
        all.add(single);
        List<LiveUnit> units = assemble("""
                defaults {
                	user_friendly_names yes
                	find_multipaths on
                	path_selector "round-robin 0"
                }
                multipaths {
                	multipath {
                		wwid wwid-b
                		alias data
                	}
                }
                """, units(all));

        assertThat(units).extracting(LiveUnit::name).containsExactly("mpatha", "data");
        assertThat(units.getFirst().device().topology().selectorDescription()).isEqualTo("round-robin 0");
        assertThat(Files.readString(dir.resolve("bindings"))).contains("mpatha wwid-a").doesNotContain("wwid-c");
        // one path and find_multipaths on: left single-path, and its path is closed, never exported
        assertThat(single.closed).isEqualTo(1);
    }

    @Test
    void singlePathUnitsAreDevicesNamedByTheirWwidOnlyWhenTheExportAsks() throws IOException {
        SimulatedMedium a = new SimulatedMedium(1 << 20, 512);
        ClosingPath only = new ClosingPath(sim("nbd://h1/a", "wwid-a", a));
        List<LiveUnit> units = assemble("defaults {\n\tuser_friendly_names yes\n}\n", units(List.of(only)), true);
        assertThat(units).extracting(LiveUnit::name).containsExactly("wwid-a");
        assertThat(units.getFirst().device().topology().paths()).hasSize(1);
        assertThat(only.closed).isZero();
        assertThat(dir.resolve("bindings")).doesNotExist();
    }

    @Test
    void blacklistedUnitsAreIgnoredAndTheirPathsClosed() throws IOException {
        SimulatedMedium a = new SimulatedMedium(1 << 20, 512);
        ClosingPath p1 = new ClosingPath(sim("nbd://h1/a", "wwid-a", a));
        ClosingPath p2 = new ClosingPath(sim("nbd://h2/a", "wwid-a", a));
        List<LiveUnit> units = assemble("""
                blacklist {
                	wwid "^wwid-a$"
                }
                """, units(List.of(p1, p2)));
        assertThat(units).isEmpty();
        assertThat(p1.closed + p2.closed).isEqualTo(2);
    }

    private static SimulatedPath sim(String name, String wwid, SimulatedMedium medium) {
        return new SimulatedPath(new PathIdentity(name, wwid, "MPATH4J", "SIM", "1", "", -1, ""), medium,
                SystemTimeSource.instance());
    }

    /** Counts close() calls of a path. */
    private static final class ClosingPath implements Path {
        private final Path inner;
        int closed;

        ClosingPath(Path inner) {
            this.inner = inner;
        }

        @Override public PathIdentity identity() { return inner.identity(); }
        @Override public Geometry geometry() { return inner.geometry(); }
        @Override public AccessState accessState() { return inner.accessState(); }
        @Override public void submit(IoRequest request, Consumer<IoStatus> completion) { inner.submit(request, completion); }
        @Override public CompletionStage<CheckResult> check() { return inner.check(); }
        @Override public void setEventListener(Consumer<PathEvent> listener) { inner.setEventListener(listener); }

        @Override
        public void close() {
            closed++;
            inner.close();
        }
    }
}
