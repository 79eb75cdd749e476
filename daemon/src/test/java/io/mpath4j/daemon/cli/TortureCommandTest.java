package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mpath torture}'s argument checks: a bad value is one error line and exit status 2, before anything starts. */
class TortureCommandTest {

    private record Result(int exit, String err) {
    }

    private static Result mpath(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = MpathCommand.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), err.toString());
    }

    @Test
    void tooFewPathsIsAnError() {
        Result r = mpath("torture", "--paths", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: --paths 1: a torture needs 2 to 8 paths");
    }

    @Test
    void aDurationTooShortForOneFaultCycleIsAnError() {
        Result r = mpath("torture", "--duration", "5s");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: --duration 5s: at least 10s");
    }

    @Test
    void aBadDurationOrTargetNamesTheOption() {
        Result d = mpath("torture", "--duration", "ten");
        assertThat(d.exit()).isEqualTo(2);
        assertThat(d.err()).contains("--duration").contains("'ten' is not a duration");
        Result t = mpath("torture", "--target", "lio");
        assertThat(t.exit()).isEqualTo(2);
        assertThat(t.err()).contains("--target").contains("lio");
    }
}
