package io.mpath4j.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeywordTableTest {

    private final KeywordTable table = KeywordTable.standard();

    @Test
    void everyMultipathToolsDeviceKeywordIsKnownInItsSections() {
        // the keywords of libmultipath/dict.c's devices { device { } } subsection
        for (String k : new String[] {"vendor", "product", "revision", "product_blacklist", "path_grouping_policy",
                "uid_attribute", "getuid_callout", "path_selector", "path_checker", "checker", "alias_prefix", "features",
                "hardware_handler", "prio", "prio_args", "failback", "rr_weight", "no_path_retry", "rr_min_io",
                "rr_min_io_rq", "pg_timeout", "flush_on_last_del", "fast_io_fail_tmo", "dev_loss_tmo",
                "user_friendly_names", "retain_attached_hw_handler", "detect_prio", "detect_checker", "deferred_remove",
                "delay_watch_checks", "delay_wait_checks", "marginal_path_err_sample_time",
                "marginal_path_err_rate_threshold", "marginal_path_err_recheck_gap_time",
                "marginal_path_double_failed_time", "skip_kpartx", "max_sectors_kb", "ghost_delay", "all_tg_pt"}) {
            assertThat(table.find(Scope.DEVICE, k)).as(k).isPresent();
        }
        for (String k : new String[] {"wwid", "alias", "path_grouping_policy", "path_selector", "prio", "prio_args",
                "failback", "rr_weight", "no_path_retry", "rr_min_io", "rr_min_io_rq", "flush_on_last_del", "features",
                "mode", "uid", "gid", "reservation_key", "user_friendly_names", "deferred_remove", "skip_kpartx",
                "max_sectors_kb", "ghost_delay"}) {
            assertThat(table.find(Scope.MULTIPATH, k)).as(k).isPresent();
        }
    }

    @Test
    void everySupportedDefaultHasAValueTheLoaderAccepts() {
        StringBuilder file = new StringBuilder("defaults {\n");
        for (Keyword k : table.all()) {
            if (k.scopes().contains(Scope.DEFAULTS) && k.status() == Keyword.Status.SUPPORTED && k.aliasOf().isEmpty()) {
                assertThat(k.hasDefault()).as(k.name()).isTrue();
                file.append('\t').append(k.name()).append(' ').append(ConfigPrinter.quote(k.defaultText())).append('\n');
            }
        }
        ConfigLoader.Result r = ConfigLoader.parse("d.conf", file.append("}\n").toString());
        assertThat(r.diagnostics()).isEmpty();
        java.util.Map<String, String> written = new java.util.TreeMap<>();
        r.config().defaults().settings().forEach(x -> written.put(x.keyword(), x.value()));
        java.util.Map<String, String> builtin = new java.util.TreeMap<>();
        ConfigResolver.builtinDefaults().settings().forEach(x -> builtin.put(x.keyword(), x.value()));
        assertThat(written).isEqualTo(builtin).isNotEmpty();
    }

    @Test
    void aliasesPointAtKeywordsOfTheTableAndNotApplicableOnesSayWhy() {
        Set<String> names = new HashSet<>();
        table.all().forEach(k -> names.add(k.name()));
        for (Keyword k : table.all()) {
            k.aliasOf().ifPresent(a -> assertThat(names).as(k.name()).contains(a));
            assertThat(k.mapping()).as(k.name()).isNotBlank();
            assertThat(k.meaning()).as(k.name()).isNotBlank();
        }
    }

    @Test
    void malformedTableRowsAreRefused() {
        assertThatThrownBy(() -> KeywordTable.parse("x | defaults | supported | 1 | m\n"))
                .hasMessageContaining("expected 6 fields");
        assertThatThrownBy(() -> KeywordTable.parse("x | nowhere | supported | 1 | m | n\n"))
                .hasMessageContaining("unknown section");
        assertThatThrownBy(() -> KeywordTable.parse("x | defaults | maybe | 1 | m | n\n"))
                .hasMessageContaining("status maybe");
    }
}
