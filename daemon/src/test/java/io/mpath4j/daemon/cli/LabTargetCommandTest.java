package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.iscsi.IscsiInventory;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiUri;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code mpath lab target} and {@code mpath lab set} in-process, through the real command line: a
 * two-portal ALUA target on loopback, its groups flipped and a portal refused through the control
 * endpoint, checked with our initiator's discovery (REPORT TARGET PORT GROUPS over iSCSI).
 */
class LabTargetCommandTest {

    private final StringWriter targetOut = new StringWriter();
    private Thread target;
    private final int[] exit = {-1};
    private String control;
    private String controlArg = "127.0.0.1:0";

    private void startTarget(String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("lab", "target", "--portal", "127.0.0.1:0", "--portal",
                "127.0.0.2:0", "--size", "8M", "--control", controlArg));
        args.addAll(List.of(extra));
        CommandLine cli = MpathCommand.commandLine();
        cli.setOut(new PrintWriter(targetOut, true));
        cli.setErr(new PrintWriter(targetOut, true));
        target = Thread.ofPlatform().name("lab-target-under-test").start(() -> exit[0] = cli.execute(args.toArray(String[]::new)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!targetOut.toString().contains("ready") && target.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(targetOut.toString()).as("lab target output").contains("ready");
        Matcher m = Pattern.compile("control (\\S+)").matcher(targetOut.toString());
        assertThat(m.find()).isTrue();
        control = m.group(1);
    }

    @AfterEach
    void stopTarget() throws Exception {
        if (target != null && target.isAlive()) {
            set("stop");
            target.join(TimeUnit.SECONDS.toMillis(20));
        }
    }

    private static Result mpath(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MpathCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int exit, String out, String err) {}

    private String set(String... request) {
        List<String> args = new java.util.ArrayList<>(List.of("lab", "set", "--control", control));
        args.addAll(List.of(request));
        Result r = mpath(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().strip();
    }

    private String portal(int index) {
        Matcher m = Pattern.compile("  portal (127\\.0\\.0\\.\\d:\\d+) tpgt").matcher(targetOut.toString());
        for (int i = 0; i <= index; i++) {
            assertThat(m.find()).isTrue();
        }
        return m.group(1);
    }

    private AccessState aluaThrough(String portal) throws Exception {
        IscsiOptions o = IscsiOptions.defaults();
        List<IscsiInventory.Target> ts = IscsiInventory.list(IscsiUri.parse("iscsi://" + portal), o);
        assertThat(ts).hasSize(1);
        return ts.getFirst().units().getFirst().accessState();
    }

    @Test
    void printsUrisAndFlipsAluaGroupsAtRunTime() throws Exception {
        startTarget("--alua");
        String out = targetOut.toString();
        assertThat(out).contains("target iqn.2026-11.io.mpath4j:lab")
                .contains("port group 1 active/optimized ports [1]")
                .contains("port group 2 active/non-optimized ports [2]")
                .containsPattern("iscsi://127\\.0\\.0\\.1:\\d+/iqn\\.2026-11\\.io\\.mpath4j:lab/0")
                .containsPattern("iscsi://127\\.0\\.0\\.2:\\d+/iqn\\.2026-11\\.io\\.mpath4j:lab/0");
        assertThat(aluaThrough(portal(0))).isEqualTo(AccessState.OPTIMIZED);
        assertThat(aluaThrough(portal(1))).isEqualTo(AccessState.NON_OPTIMIZED);

        assertThat(set("group", "1", "active-non-optimized")).isEqualTo("port group 1 active/non-optimized");
        assertThat(set("group", "2", "active-optimized")).isEqualTo("port group 2 active/optimized");
        assertThat(aluaThrough(portal(0))).isEqualTo(AccessState.NON_OPTIMIZED);
        assertThat(aluaThrough(portal(1))).isEqualTo(AccessState.OPTIMIZED);

        assertThat(set("group", "2", "transitioning", "--for", "60s"))
                .isEqualTo("port group 2 transitioning -> active/optimized for 60000 ms");
        assertThat(set("status")).contains("port group 2 transitioning -> active/optimized");
        assertThat(set("group", "2", "active-optimized", "--for", "0")).isEqualTo("port group 2 active/optimized");
        assertThat(set("portal", portal(1), "refuse")).startsWith("portal " + portal(1) + " refusing");
        assertThat(set("status")).contains("port group 2 active/optimized").contains(portal(1) + " refusing");
        assertThat(set("portal", "1", "restore")).startsWith("portal " + portal(1) + " accepting");
        assertThat(aluaThrough(portal(1))).isEqualTo(AccessState.OPTIMIZED);
        assertThat(set("lun", "0", "fail-next", "1", "3/11/00")).contains("MEDIUM ERROR");
        assertThat(set("lun", "0", "clear")).isEqualTo("lun 0: faults cleared");

        assertThat(set("stop")).isEqualTo("stopping");
        target.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(target.isAlive()).isFalse();
        assertThat(exit[0]).isZero();
        assertThat(targetOut.toString()).endsWith("stopped" + System.lineSeparator());
    }

    @Test
    void badRequestsAreOneLineErrorsAndChangeNothing() throws Exception {
        startTarget();
        assertThat(targetOut.toString()).contains("no ALUA");
        Result typo = mpath("lab", "set", "--control", control, "grup", "1", "standby");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).startsWith("error: unknown request 'grup'").doesNotContain("Exception");
        Result noAlua = mpath("lab", "set", "--control", control, "group", "1", "standby");
        assertThat(noAlua.exit()).isEqualTo(2);
        assertThat(noAlua.err()).isEqualTo("error: this lab target has no ALUA port groups (start it with --alua)"
                + System.lineSeparator());
        Result noPortal = mpath("lab", "set", "--control", control, "portal", "10.0.0.1:3260", "reset");
        assertThat(noPortal.err()).startsWith("error: no portal '10.0.0.1:3260'");
        assertThat(set("status")).contains("accepting").doesNotContain("refusing");
    }

    @Test
    void severalLunsOnFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path backing = dir.resolve("lab.img");
        startTarget("--luns", "2", "--backing", backing.toString());
        assertThat(targetOut.toString()).containsPattern("iscsi://127\\.0\\.0\\.2:\\d+/iqn\\.2026-11\\.io\\.mpath4j:lab/1");
        assertThat(java.nio.file.Files.size(backing)).isEqualTo(8L << 20);
        assertThat(java.nio.file.Files.size(dir.resolve("lab.img.1"))).isEqualTo(8L << 20);
        List<IscsiInventory.Target> ts = IscsiInventory.list(IscsiUri.parse("iscsi://" + portal(0)), IscsiOptions.defaults());
        assertThat(ts.getFirst().units()).hasSize(2);
        assertThat(ts.getFirst().units().get(0).identity().wwid()).isNotEqualTo(ts.getFirst().units().get(1).identity().wwid());
    }

    @Test
    void aUnixSocketControlEndpointIsRemovedAtStop(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path socket = dir.resolve("lab.sock");
        controlArg = "unix:" + socket;
        startTarget("--alua");
        assertThat(control).isEqualTo("unix:" + socket);
        assertThat(set("group", "2", "standby")).isEqualTo("port group 2 standby");
        Result taken = mpath("lab", "target", "--portal", "127.0.0.1:0", "--size", "8M", "--control", control);
        assertThat(taken.err()).contains("the file exists");
        assertThat(set("stop")).isEqualTo("stopping");
        target.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(socket).doesNotExist();
    }

    @Test
    void chapIsRequiredOfEveryInitiator() throws Exception {
        startTarget("--chap", "lab-user:lab-secret-1234");
        IscsiOptions o = IscsiOptions.defaults();
        List<IscsiInventory.Target> ts = IscsiInventory.list(IscsiUri.parse("iscsi://lab-user%lab-secret-1234@" + portal(0)), o);
        assertThat(ts.getFirst().units()).hasSize(1);
        assertThatThrownBy(() -> IscsiInventory.list(IscsiUri.parse("iscsi://" + portal(0)), o))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aControlAddressOffLoopbackAndBadSizesAreRefused() {
        Result offLoopback = mpath("lab", "target", "--portal", "127.0.0.1:0", "--size", "8M", "--control", "0.0.0.0:0");
        assertThat(offLoopback.exit()).isEqualTo(2);
        assertThat(offLoopback.err()).contains("must be a loopback address");
        Result badSize = mpath("lab", "target", "--portal", "127.0.0.1:0", "--size", "8Q");
        assertThat(badSize.err()).startsWith("error: --size '8Q' must be a number");
        Result noTarget = mpath("lab", "set", "--control", "127.0.0.1:1", "status");
        assertThat(noTarget.err()).startsWith("error: no lab target control endpoint at 127.0.0.1:1");
    }
}
