package io.mpath4j.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md and the keyword table must agree. */
class ConfigDocTest {

    private static String doc() throws IOException {
        Path p = Path.of("../docs/configuration.md");
        if (!Files.exists(p)) {
            p = Path.of("docs/configuration.md");
        }
        return Files.readString(p);
    }

    @Test
    void theDocCarriesTheTableAsRenderedFromKeywordsTxt() throws IOException {
        String doc = doc();
        assertThat(KeywordDoc.refresh(doc)).as("docs/configuration.md is stale: run KeywordDoc (see the doc)")
                .isEqualTo(doc);
    }

    @Test
    void everyKeywordOfTheTableAppearsInTheDocWithItsStatus() throws IOException {
        String doc = doc();
        for (Keyword k : KeywordTable.standard().all()) {
            assertThat(doc).as(k.name()).containsPattern("\\| `" + java.util.regex.Pattern.quote(k.name()) + "` \\|[^\\n]*\\| "
                    + (k.status() == Keyword.Status.SUPPORTED ? "supported" : "accepted, not applicable \\(warning\\)") + " \\|");
        }
    }
}
