package io.mpath4j.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static List<String> diagnostics(String text) {
        return ConfigLoader.parse("m.conf", text).diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void unknownKeywordWithSuggestion() {
        assertThat(diagnostics("defaults {\n\tpath_selctor \"service-time 0\"\n}\n")).containsExactly(
                "m.conf:2:2: error: unknown keyword 'path_selctor' in section 'defaults'; did you mean 'path_selector'?");
    }

    @Test
    void unknownKeywordFarFromAnyName() {
        assertThat(diagnostics("defaults {\n\tbanana 1\n}\n")).containsExactly(
                "m.conf:2:2: error: unknown keyword 'banana' in section 'defaults'");
    }

    @Test
    void keywordInTheWrongSection() {
        assertThat(diagnostics("defaults {\n\talias x\n}\n")).containsExactly(
                "m.conf:2:2: error: keyword 'alias' does not belong in section 'defaults' (it belongs in: multipath)");
    }

    @Test
    void unknownSection() {
        assertThat(diagnostics("default {\n}\n")).containsExactly("m.conf:1:1: error: unknown section 'default' in the top level;"
                + " did you mean 'defaults'? (valid here: blacklist, blacklist_exceptions, defaults, devices, export, iscsi,"
                + " multipaths, nbd, overrides)");
    }

    @Test
    void keywordOutsideAnySection() {
        assertThat(diagnostics("polling_interval 5\n")).containsExactly(
                "m.conf:1:1: error: 'polling_interval' outside any section; put it inside defaults { }");
    }

    @Test
    void notApplicableKeywordsWarnWithTheReason() {
        var result = ConfigLoader.parse("m.conf", """
                devices {
                	device {
                		vendor "ACME"
                		product "Box"
                		hardware_handler "1 alua"
                		dev_loss_tmo infinity
                	}
                }
                """);
        assertThat(result.ok()).isTrue();
        assertThat(result.warnings()).extracting(Diagnostic::toString).containsExactly(
                "m.conf:5:3: warning: 'hardware_handler' is accepted but not applicable, ignored: there is no kernel scsi_dh"
                        + " under a userspace initiator; ALUA states are read by the alua prioritizer and the path itself",
                "m.conf:6:3: warning: 'dev_loss_tmo' is accepted but not applicable, ignored: a sysfs setting of kernel SCSI"
                        + " transports (FC, iSCSI); mpath4j's initiator is in userspace and reconnects itself");
    }

    @Test
    void badValuesPointAtTheValueWithTheCoreParsersMessage() {
        assertThat(diagnostics("""
                defaults {
                	path_grouping_policy failsafe
                	failback immediatly
                	no_path_retry qeue
                	prio alau
                	rr_weight even
                	polling_interval 0
                }
                """)).containsExactly(
                "m.conf:2:23: error: unknown path_grouping_policy 'failsafe'; valid: failover, multibus, group_by_prio,"
                        + " group_by_serial, group_by_node_name, group_by_tpg",
                "m.conf:3:11: error: failback must be immediate, manual, followover or a number of seconds, not 'immediatly'",
                "m.conf:4:16: error: no_path_retry must be fail, queue or a positive number, not 'qeue'",
                "m.conf:5:7: error: unknown prio 'alau'; valid: const, alua, ana, weightedpath, path_latency",
                "m.conf:6:12: error: rr_weight must be one of uniform, priorities, not \"even\"",
                "m.conf:7:19: error: polling_interval must be a positive number, not \"0\"");
    }

    @Test
    void combinationsAreCheckedAtTheSettingThatBreaksThem() {
        assertThat(diagnostics("""
                defaults {
                	polling_interval 30
                	max_polling_interval 10
                }
                multipaths {
                	multipath {
                		wwid 3600a
                		prio weightedpath
                		prio_args "nonsense"
                	}
                }
                """)).filteredOn(m -> m.contains(": error: ")).hasSize(2).anySatisfy(m -> assertThat(m).startsWith("m.conf:9:13: error: "))
                .anySatisfy(m -> assertThat(m).startsWith("m.conf:3:23: error: max_polling_interval 10 is below polling_interval 30"));
    }

    @Test
    void duplicateKeywordWarnsAndTheLaterValueWins() {
        var result = ConfigLoader.parse("m.conf", "defaults {\n\tfailback manual\n\tfailback immediate\n}\n");
        assertThat(result.warnings()).extracting(Diagnostic::toString)
                .containsExactly("m.conf:3:2: warning: 'failback' set again (first at line 2); the later value wins");
        assertThat(result.config().defaults().value("failback")).contains("immediate");
    }

    @Test
    void oldSpellingsMapToTheirKeyword() {
        var result = ConfigLoader.parse("m.conf", "defaults {\n\tdefault_selector \"round-robin 0\"\n\tchecker tur\n}\n");
        assertThat(result.ok()).isTrue();
        assertThat(result.config().defaults().value("path_selector")).contains("round-robin 0");
        assertThat(result.warnings()).extracting(Diagnostic::toString).containsExactly(
                "m.conf:2:2: warning: 'default_selector' is an old spelling of 'path_selector'",
                "m.conf:3:2: warning: 'checker' is accepted but not applicable, ignored: each transport checks its own way"
                        + " (iSCSI: TEST UNIT READY on the session; NBD: a zero-length probe on the connection)");
    }

    @Test
    void featuresAreCountedAndKernelOnlyOnesWarned() {
        assertThat(diagnostics("defaults {\n\tfeatures \"2 queue_if_no_path\"\n}\n")).containsExactly(
                "m.conf:2:11: error: features \"2 queue_if_no_path\" announces 2 words but has 1");
        assertThat(diagnostics("defaults {\n\tfeatures \"3 queue_if_no_path pg_init_retries 50\"\n}\n")).containsExactly(
                "m.conf:2:11: warning: features pg_init_retries 50 configure the kernel's dm-multipath and are ignored");
    }

    @Test
    void ownSectionsValidateAddressesUrisAndNames() {
        assertThat(diagnostics("""
                iscsi {
                	initiator_name host1
                	portal {
                		address 10.0.0.1:99999
                	}
                	portal {
                		address 10.0.0.2
                		chap_user u
                	}
                }
                nbd {
                	endpoint {
                		uri nbds://h/e
                		wwid w
                	}
                	endpoint {
                		uri nbd://h/e
                	}
                }
                export {
                	nbd {
                		listen fe80::1:10809
                	}
                }
                """)).containsExactly(
                "m.conf:2:17: error: initiator_name \"host1\" is not an iSCSI name (iqn.YYYY-MM.domain:name, eui.… or naa.…)",
                "m.conf:4:11: error: \"10.0.0.1:99999\": port 99999 is not in 1..65535",
                "m.conf:6:2: error: CHAP needs both chap_user and chap_secret_file",
                "m.conf:13:7: error: bad NBD URI 'nbds://h/e': TLS (nbds://) is not supported; use nbd:// (expected nbd://host[:port]/export)",
                "m.conf:16:2: error: endpoint without wwid: NBD has no inquiry data, the wwid says which endpoints are paths of one unit",
                "m.conf:22:10: error: \"fe80::1:10809\": write an IPv6 address in brackets, e.g. [fe80::1:10809]:3260");
    }

    @Test
    void rawBytesOfTheFileAreCheckedWhereTheyStand(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("bytes.conf");
        // a NUL and an invalid UTF-8 byte outside quotes; the same invalid byte inside quotes is kept
        java.nio.file.Files.write(file, new byte[] {'d', 'e', 'f', 'a', 'u', 'l', 't', 's', ' ', '{', '\n',
            '\t', 'p', 'o', 'l', 'l', 'i', 'n', 'g', '_', 'i', 'n', 't', 'e', 'r', 'v', 'a', 'l', ' ', '5', 0, '\n',
            '\t', 'a', 'l', 'i', 'a', 's', '_', 'p', 'r', 'e', 'f', 'i', 'x', ' ', (byte) 0xff, '\n', '}', '\n'});
        assertThat(ConfigLoader.load(file).errors()).extracting(Diagnostic::toString).containsExactly(
                file + ":2:20: error: character U+0000 outside quotes (multipath-tools would read it as a space);"
                        + " quote the value or remove it",
                file + ":3:2: error: missing value for 'alias_prefix'",
                file + ":3:15: error: character U+FFFD outside quotes (multipath-tools would read it as a space);"
                        + " quote the value or remove it");
    }

    @Test
    void overridesProtocolSubsectionIsAcceptedWithWarnings() {
        var result = ConfigLoader.parse("m.conf", """
                overrides {
                	no_path_retry queue
                	protocol {
                		type "scsi:iscsi"
                		fast_io_fail_tmo 5
                	}
                }
                """);
        assertThat(result.ok()).isTrue();
        assertThat(result.warnings()).extracting(d -> d.at().line()).containsExactly(4, 5);
        assertThat(result.config().overrides().value("no_path_retry")).contains("queue");
    }

    @Test
    void structuralMistakesOfEachSection() {
        assertThat(diagnostics("""
                devices {
                	vendor "X"
                }
                multipaths {
                	multipath {
                		wwid w1
                		alias a
                	}
                	multipath {
                		wwid w1
                	}
                	multipath {
                		wwid w2
                		alias a
                	}
                }
                blacklist {
                	device {
                	}
                	property "^ID_"
                }
                iscsi {
                	portal {
                		target iqn.2003-01.org.x:t
                	}
                }
                nbd {
                	endpoint {
                		uri nbd://h/e
                		wwid w
                	}
                	endpoint {
                		uri nbd://h:10809/e
                		wwid w
                	}
                }
                export {
                	nbd {
                	}
                }
                defaults {
                	multipath 1
                }
                """)).containsExactly(
                "m.conf:2:2: error: 'vendor' directly in 'devices'; it holds only device { } sections",
                "m.conf:10:8: error: wwid w1 already has a multipath entry at m.conf:5:2",
                "m.conf:14:9: error: alias a is already used by wwid w1 at m.conf:5:2",
                "m.conf:18:2: error: device entry in 'blacklist' without vendor or product matches nothing",
                "m.conf:20:2: warning: 'property' is accepted but not applicable, ignored: paths found by mpath4j have no"
                        + " udev properties; the rule is ignored",
                "m.conf:23:2: error: portal without address",
                "m.conf:33:7: error: endpoint nbd://h:10809/e is already configured at m.conf:28:2",
                "m.conf:38:2: error: nbd export without listen",
                "m.conf:42:12: error: expecting '{' after 'multipath', found '1'");
    }

    @Test
    void suggestionNeedsACloseName() {
        assertThat(ConfigLoader.suggestion("polling_intervall", List.of("polling_interval", "failback")))
                .isEqualTo("; did you mean 'polling_interval'?");
        assertThat(ConfigLoader.suggestion("xyz", List.of("polling_interval"))).isEmpty();
    }
}
