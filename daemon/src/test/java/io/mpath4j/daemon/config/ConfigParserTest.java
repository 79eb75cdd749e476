package io.mpath4j.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.daemon.config.ConfigNode.Entry;
import io.mpath4j.daemon.config.ConfigNode.Section;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigParserTest {

    private final Diagnostics diagnostics = new Diagnostics();

    private Section parse(String text) {
        return ConfigParser.parse("t.conf", text, diagnostics);
    }

    private List<String> messages() {
        return diagnostics.all().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void sectionsEntriesAndLineNumbers() {
        Section top = parse("""
                # comment
                defaults {
                \tpolling_interval 10
                }
                devices {
                \tdevice {
                \t\tvendor "NETAPP"
                \t}
                }
                """);
        assertThat(diagnostics.all()).isEmpty();
        assertThat(top.sections()).extracting(Section::name).containsExactly("defaults", "devices");
        Entry polling = top.sections().getFirst().entries().getFirst();
        assertThat(polling).isEqualTo(new Entry("polling_interval", "10", new SourceLocation("t.conf", 3, 2),
                new SourceLocation("t.conf", 3, 19)));
        Section device = top.sections().get(1).sections().getFirst();
        assertThat(device.at()).isEqualTo(new SourceLocation("t.conf", 6, 2));
        assertThat(device.entries().getFirst().value()).isEqualTo("NETAPP");
    }

    @Test
    void quotedValuesKeepSpacesCommentCharactersAndDoubledQuotes() {
        Section top = parse("""
                defaults {
                \tpath_selector "service-time 0"
                \tfeatures "1 queue_if_no_path"   # trailing comment
                \tprio_args ""
                \tx "a ""quoted"" word"
                \tdevnode "^cciss!c[0-9]d[0-9]*"
                \thash "a#b"
                }
                """);
        assertThat(diagnostics.all()).isEmpty();
        assertThat(top.sections().getFirst().entries()).extracting(Entry::value).containsExactly(
                "service-time 0", "1 queue_if_no_path", "", "a \"quoted\" word", "^cciss!c[0-9]d[0-9]*", "a#b");
    }

    @Test
    void hashAndBangStartCommentsEvenInsideAWord() {
        Section top = parse("defaults {\n\tpolling_interval 10#five\n\tfailback manual!x\n! whole line\n}\n");
        assertThat(diagnostics.all()).isEmpty();
        assertThat(top.sections().getFirst().entries()).extracting(Entry::value).containsExactly("10", "manual");
    }

    @Test
    void bracesNeedNoSpaceAndCrlfAndTabsAreWhiteSpace() {
        Section top = parse("defaults{\r\n\t polling_interval\t7\r\n}\r\n");
        assertThat(diagnostics.all()).isEmpty();
        assertThat(top.sections().getFirst().entries().getFirst().value()).isEqualTo("7");
    }

    @Test
    void unmatchedClosingBrace() {
        parse("defaults {\n}\n}\n");
        assertThat(messages()).containsExactly("t.conf:3:1: error: unmatched '}': no section is open here");
    }

    @Test
    void unclosedSectionNamesWhereItWasOpened() {
        parse("defaults {\n\tpolling_interval 5\ndevices {\n\tdevice {\n\t}\n");
        assertThat(messages()).containsExactly(
                "t.conf:3:1: error: section 'devices' is not closed: missing '}' before the end of t.conf (line 5)",
                "t.conf:1:1: error: section 'defaults' is not closed: missing '}' before the end of t.conf (line 5)");
    }

    @Test
    void missingValue() {
        parse("defaults {\n\tpolling_interval\n\tfailback }\n}\n");
        assertThat(messages()).containsExactly("t.conf:2:2: error: missing value for 'polling_interval'",
                "t.conf:3:11: error: missing value for 'failback' (found '}')");
    }

    @Test
    void unquotedWordsAfterTheValueAreAnErrorWithTheQuotedForm() {
        parse("defaults {\n\tpath_selector round-robin 0\n}\n");
        assertThat(messages()).containsExactly("t.conf:2:28: error: extra data '0' after the value of 'path_selector';"
                + " quote a value of several words: path_selector \"round-robin 0\"");
    }

    @Test
    void oneLineSectionsAreRefusedInsteadOfLosingTheirContent() {
        parse("devices {\n\tdevice { vendor \"X\" }\n}\n");
        assertThat(messages()).first().isEqualTo("t.conf:2:11: error: 'vendor' after 'device {': write one statement per line"
                + " (multipath-tools would ignore the rest of this line)");
    }

    @Test
    void sectionNameWithoutBraceOnTheSameLine() {
        parse("defaults\n{\n}\n");
        assertThat(messages()).containsExactly("t.conf:1:1: error: missing '{' after 'defaults' (it must be on the same line)",
                "t.conf:2:1: error: '{' without a section name before it on the same line");
    }

    @Test
    void sectionNameFollowedByAWord() {
        parse("defaults yes {\n}\n");
        assertThat(messages()).first().isEqualTo("t.conf:1:10: error: expecting '{' after 'defaults', found 'yes'");
    }

    @Test
    void unclosedQuote() {
        Section top = parse("defaults {\n\tpath_selector \"service-time 0\n}\n");
        assertThat(messages()).containsExactly("t.conf:2:16: error: missing closing quote (\" opened here);"
                + " a quoted value must end on the same line");
        assertThat(top.sections()).hasSize(1);
    }

    @Test
    void nonAsciiOutsideQuotesIsAnErrorWithItsColumn() {
        parse("defaults {\n\tpolling_interval\u00a05\n}\n");
        assertThat(messages()).containsExactly("t.conf:2:18: error: character U+00A0 outside quotes"
                + " (multipath-tools would read it as a space); quote the value or remove it");
    }

    @Test
    void aLineStartingWithAQuoteOrWithExtraDataAfterTheClosingBrace() {
        parse("defaults {\n\"x\" y\n} defaults\n");
        assertThat(messages()).containsExactly("t.conf:2:1: error: a line must start with a keyword, not a quoted string",
                "t.conf:3:3: error: 'defaults' after '}': write one statement per line");
    }

    @Test
    void emptyFileAndOnlyComments() {
        assertThat(parse("").children()).isEmpty();
        assertThat(parse("# nothing\n   \n! nothing either\n").children()).isEmpty();
        assertThat(diagnostics.all()).isEmpty();
    }
}
