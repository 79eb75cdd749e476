package io.mpath4j.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The configuration parser must answer any text with a configuration or with diagnostics that point
 * into the file, never with an exception: an administrator's typo has to become "file:line: what is
 * wrong", not a stack trace from the daemon. Mutations of the real-world-shaped files and of token
 * soup made from the keyword table are fed to {@link ConfigLoader#parse}; a file it accepts must then
 * also resolve, print and map for a unit without throwing. Seeded; the seed is printed. The same
 * oracle serves the coverage-guided {@link ConfigJazzerTest}.
 */
class ConfigFuzzTest {

    static final String FILE = "fuzz.conf";
    static final int INPUTS = 6_000;

    static final List<String> SEEDS = List.of("debian-default.conf", "exceptions-aliases.conf", "netapp-recommended.conf",
            "typos.conf");

    /** Words a mutation splices in: the grammar's own tokens, every keyword and awkward values. */
    static final List<String> TOKENS = tokens();

    private static List<String> tokens() {
        List<String> t = new ArrayList<>(List.of("{", "}", "\"", "\"\"", "#", "!", "\n", " ", "\t", "\r\n", "\\", "\"a\"b\"",
                "defaults", "blacklist", "blacklist_exceptions", "devices", "device", "multipaths", "multipath", "overrides",
                "iscsi", "nbd", "export", "endpoint", "portal", "metrics", "fuse", "protocol", "property", "wwid", "devnode",
                "vendor", "product", "yes", "no", "0", "-1", "99999999999999999999", "1.5", "queue", "fail", "immediate",
                "manual", "followover", "\"3 queue_if_no_path pg_init_retries 50\"", "\"2 pg_init_retries 50\"",
                "\"service-time 0\"", "\"round-robin 0\"", "\"queue-length 0\"", "alua", "const", "\"^sd[a-z]\"", "\"(\"",
                "\"[\"", "\"a{99999}\"", "\"*\"", "127.0.0.1:10809", "[::1]:3260", "\"host:99999\"", "/dev/null",
                "/nonexistent/file", "\u0000", "\u00e9", "\uFFFD", "\uD83D\uDE00", "x".repeat(5000)));
        KeywordTable.standard().all().forEach(k -> t.add(k.name()));
        return List.copyOf(t);
    }

    static String seed(String name) {
        try (InputStream in = ConfigFuzzTest.class.getResourceAsStream("/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The oracle: no exception; diagnostics point into the text; the same text gives the same answer. */
    static void check(String text) {
        ConfigLoader.Result r;
        try {
            r = ConfigLoader.parse(FILE, text);
        } catch (RuntimeException | StackOverflowError e) {
            fail("parser threw on input " + quote(text), e);
            return;
        }
        int lines = (int) text.chars().filter(c -> c == '\n').count() + 1;
        for (Diagnostic d : r.diagnostics()) {
            assertThat(d.message()).as("message of %s", d).isNotBlank();
            SourceLocation at = d.at();
            if (!at.isBuiltin()) {
                assertThat(at.file()).as("file of %s", d).isEqualTo(FILE);
                assertThat(at.line()).as("line of %s in %d lines", d, lines).isBetween(1, lines);
                assertThat(at.column()).as("column of %s", d).isNotNegative();
            }
        }
        assertThat(ConfigLoader.parse(FILE, text).diagnostics()).as("same text, same diagnostics")
                .isEqualTo(r.diagnostics());
        if (r.ok()) {
            try {
                ConfigResolver resolver = new ConfigResolver(r.config());
                resolver.monitorConfig();
                ConfigPrinter.print(resolver);
                resolver.deviceConfig("360a98000fuzz", "NETAPP", "LUN C-Mode", "9300", true);
                resolver.deviceConfig("fuzz-nbd", "", "", "", false);
            } catch (RuntimeException e) {
                fail("an accepted configuration failed to resolve: " + quote(text), e);
            }
        }
    }

    static String quote(String text) {
        String t = text.length() > 600 ? text.substring(0, 600) + "…(" + text.length() + " chars)" : text;
        return "\n---\n" + t + "\n---";
    }

    /** One mutation of {@code text}: delete, duplicate, insert a token, swap two lines or cut it short. */
    static String mutate(String text, Random random) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = s.isEmpty() ? 0 : random.nextInt(s.length());
            switch (random.nextInt(6)) {
                case 0 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(20)));
                case 1 -> s.insert(at, s.substring(at, Math.min(s.length(), at + random.nextInt(40))));
                case 2, 3 -> s.insert(at, (random.nextBoolean() ? " " : "") + TOKENS.get(random.nextInt(TOKENS.size())));
                case 4 -> {
                    String[] lines = s.toString().split("\n", -1);
                    int a = random.nextInt(lines.length);
                    int b = random.nextInt(lines.length);
                    String x = lines[a];
                    lines[a] = lines[b];
                    lines[b] = x;
                    s.setLength(0);
                    s.append(String.join("\n", lines));
                }
                default -> s.setLength(at);
            }
        }
        return s.toString();
    }

    /** Text made only of grammar tokens and keywords, so sections nest and keywords meet odd values. */
    static String tokenSoup(Random random) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(80);
        for (int i = 0; i < n; i++) {
            s.append(TOKENS.get(random.nextInt(TOKENS.size()))).append(random.nextInt(4) == 0 ? "\n" : " ");
        }
        return s.toString();
    }

    @Test
    void seedsParseAsTheirTestsExpect() {
        for (String name : SEEDS) {
            check(seed(name));
        }
        check("");
        check("{");
        check("}");
        check("defaults {".repeat(2_000));
        check("\"".repeat(3));
    }

    @Test
    void mutatedFilesGiveAConfigurationOrDiagnosticsNeverAnException() {
        long seed = System.nanoTime();
        System.out.println("ConfigFuzzTest seed " + seed);
        Random random = new Random(seed);
        List<String> seeds = SEEDS.stream().map(ConfigFuzzTest::seed).toList();
        int accepted = 0;
        for (int i = 0; i < INPUTS; i++) {
            String text = i % 5 == 4 ? tokenSoup(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
            check(text);
            if (ConfigLoader.parse(FILE, text).ok()) {
                accepted++;
            }
        }
        // both branches of the oracle ran: some mutants are still valid files, most are not
        assertThat(accepted).as("accepted mutants (seed %d)", seed).isBetween(1, INPUTS - 1);
    }
}
