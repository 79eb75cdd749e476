package io.mpath4j.daemon.config;

import io.mpath4j.core.device.FailbackPolicy;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.nbd.client.NbdUri;
import java.util.regex.Pattern;

/**
 * Checks one supported keyword's value on its own, with the core parsers where the engine has
 * one (so the file and the engine never disagree on what is valid). Combinations (prio with
 * prio_args, path_selector with rr_*) are checked by {@link SettingsMapper} on resolved settings.
 */
final class ValueChecks {

    /** RFC 7143 section 4.2.7.1: iqn.yyyy-mm.reversed-domain[:anything], eui. and naa. hex forms. */
    private static final Pattern ISCSI_NAME = Pattern.compile(
            "iqn\\.\\d{4}-\\d{2}\\.[a-z0-9][a-z0-9.-]*(:[^\\s]+)?|eui\\.[0-9A-Fa-f]{16}|naa\\.[0-9A-Fa-f]{16}([0-9A-Fa-f]{16})?");

    private ValueChecks() {
    }

    /** @throws IllegalArgumentException saying what is wrong with {@code value} */
    static void check(Scope scope, String keyword, String value) {
        switch (keyword) {
            case "path_grouping_policy" -> GroupingPolicies.byKeyword(value);
            case "path_selector" -> PathSelectors.parse(value, 1, false);
            case "prio" -> {
                if (!Prioritizers.NAMES.contains(value)) {
                    throw new IllegalArgumentException("unknown prio '" + value + "'; valid: " + String.join(", ", Prioritizers.NAMES));
                }
            }
            case "prio_args", "wwid", "target", "chap_user" -> {
                if (value.isBlank() && !keyword.equals("prio_args")) {
                    throw new IllegalArgumentException(keyword + " must not be empty");
                }
                if (keyword.equals("wwid") && scope == Scope.BLACKLIST) {
                    Regex.check(value);
                }
                if (keyword.equals("target") && !ISCSI_NAME.matcher(value).matches()) {
                    throw new IllegalArgumentException("target \"" + value + "\" is not an iSCSI name (iqn.YYYY-MM.domain:name, eui.… or naa.…)");
                }
            }
            case "failback" -> FailbackPolicy.parse(value);
            case "no_path_retry" -> NoPathRetry.parse(value);
            case "features" -> Features.parse(value);
            case "rr_min_io_rq", "polling_interval", "max_polling_interval", "checker_timeout",
                    "san_path_err_forget_rate", "san_path_err_recovery_time" -> positive(keyword, value);
            case "san_path_err_threshold" -> {
                if (!value.equals("no")) {
                    positive(keyword, value);
                }
            }
            case "rr_weight" -> oneOf(keyword, value, "uniform", "priorities");
            case "detect_prio", "user_friendly_names", "single_paths" -> yesNo(keyword, value);
            case "find_multipaths" -> oneOf(keyword, value, "strict", "on", "yes", "smart", "greedy", "off", "no");
            case "alias_prefix", "alias" -> {
                if (value.isEmpty() || value.chars().anyMatch(c -> c == '/' || Character.isWhitespace(c))) {
                    throw new IllegalArgumentException(keyword + " \"" + value + "\" must be a non-empty name without / or spaces");
                }
            }
            case "bindings_file", "chap_secret_file" -> {
                if (!value.startsWith("/")) {
                    throw new IllegalArgumentException(keyword + " must be an absolute path, not \"" + value + "\"");
                }
            }
            case "vendor", "product", "revision", "product_blacklist", "devnode", "protocol", "property" -> Regex.check(value);
            case "initiator_name" -> {
                if (!ISCSI_NAME.matcher(value).matches()) {
                    throw new IllegalArgumentException("initiator_name \"" + value + "\" is not an iSCSI name (iqn.YYYY-MM.domain:name, eui.… or naa.…)");
                }
            }
            case "address" -> HostPort.parse(value, 3260);
            case "listen" -> HostPort.parse(value, NbdUri.DEFAULT_PORT);
            case "uri" -> NbdUri.parse(value);
            default -> {
                // a keyword without a value syntax of its own (e.g. type)
            }
        }
    }

    static boolean yes(String value) {
        return value.equals("yes") || value.equals("1");
    }

    private static void yesNo(String keyword, String value) {
        oneOf(keyword, value, "yes", "no", "1", "0");
    }

    private static void oneOf(String keyword, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return;
            }
        }
        throw new IllegalArgumentException(keyword + " must be one of " + String.join(", ", allowed) + ", not \"" + value + "\"");
    }

    static int positive(String keyword, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(keyword + " must be a positive number, not \"" + value + "\"");
    }
}
