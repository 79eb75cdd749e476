package io.mpath4j.daemon.config;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.FailbackPolicy;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizer;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.select.PathSelectors;
import java.time.Duration;
import java.util.function.Function;

/**
 * Turns resolved settings (every layer applied, built-in defaults included) into the engine's
 * {@link DeviceConfig} and {@link MonitorConfig}, with the core's own parsers. A value that does
 * not work raises a {@link SettingException} naming the setting that carried it.
 */
public final class SettingsMapper {

    private SettingsMapper() {
    }

    /**
     * @param unitReportsAlua whether the unit reports ALUA support (TPGS): with {@code detect_prio yes}
     *     the prioritizer becomes alua whatever prio says, as multipath-tools' select_prio does
     *     (detection comes before the multipaths, overrides, device and defaults settings)
     */
    public static DeviceConfig deviceConfig(Attributes s, boolean unitReportsAlua) {
        int rrMinIoRq = map(s, "rr_min_io_rq", v -> ValueChecks.positive("rr_min_io_rq", v));
        boolean priorities = s.require("rr_weight").equals("priorities");
        String selectorSpec = s.require("path_selector");
        map(s, "path_selector", v -> PathSelectors.parse(v, rrMinIoRq, priorities));
        Duration polling = pollingInterval(s);
        return DeviceConfig.defaults()
                .withGrouping(map(s, "path_grouping_policy", GroupingPolicies::byKeyword))
                .withPrioritizer(prioritizer(s, unitReportsAlua))
                .withSelector(() -> PathSelectors.parse(selectorSpec, rrMinIoRq, priorities))
                .withFailback(map(s, "failback", FailbackPolicy::parse))
                .withNoPathRetry(noPathRetry(s))
                .withPollingInterval(polling)
                .withFlapDamping(flapDamping(s, polling));
    }

    public static MonitorConfig monitorConfig(Attributes s) {
        Duration polling = pollingInterval(s);
        Duration max = Duration.ofSeconds(map(s, "max_polling_interval", v -> ValueChecks.positive("max_polling_interval", v)));
        Duration timeout = Duration.ofSeconds(map(s, "checker_timeout", v -> ValueChecks.positive("checker_timeout", v)));
        if (max.compareTo(polling) < 0) {
            throw new SettingException(s.get("max_polling_interval").orElseThrow(),
                    "max_polling_interval " + max.toSeconds() + " is below polling_interval " + polling.toSeconds());
        }
        return new MonitorConfig(polling, max, timeout);
    }

    /** The prioritizer actually used, for messages and {@code show config}. */
    static Prioritizer prioritizer(Attributes s, boolean unitReportsAlua) {
        Setting prio = s.get("prio").orElseThrow();
        Setting args = s.get("prio_args").orElseThrow();
        boolean detect = ValueChecks.yes(s.require("detect_prio"));
        if (detect && unitReportsAlua) {
            return Prioritizers.parse("alua", "");
        }
        try {
            return Prioritizers.parse(prio.value(), args.value());
        } catch (IllegalArgumentException e) {
            // the arguments are the likelier culprit when the name alone was already checked
            throw new SettingException(args.value().isEmpty() ? prio : args, e.getMessage());
        }
    }

    /**
     * no_path_retry set in any file layer wins; left at its built-in default, features
     * queue_if_no_path means queue (multipath-tools' select_no_path_retry).
     */
    private static NoPathRetry noPathRetry(Attributes s) {
        boolean queue = map(s, "features", Features::parse).queueIfNoPath();
        if (queue && s.get("no_path_retry").orElseThrow().layer() == Layer.BUILTIN_DEFAULTS) {
            return new NoPathRetry.Queue();
        }
        return map(s, "no_path_retry", NoPathRetry::parse);
    }

    private static FlapDamping flapDamping(Attributes s, Duration polling) {
        String threshold = s.require("san_path_err_threshold");
        if (threshold.equals("no")) {
            return FlapDamping.DISABLED;
        }
        int t = map(s, "san_path_err_threshold", v -> ValueChecks.positive("san_path_err_threshold", v));
        int forget = map(s, "san_path_err_forget_rate", v -> ValueChecks.positive("san_path_err_forget_rate", v));
        int recovery = map(s, "san_path_err_recovery_time", v -> ValueChecks.positive("san_path_err_recovery_time", v));
        Duration hold = Duration.ofSeconds(recovery);
        Duration max = hold.compareTo(FlapDamping.DEFAULT.maxHold()) > 0 ? hold : FlapDamping.DEFAULT.maxHold();
        return new FlapDamping(t, polling.multipliedBy(forget), hold, max);
    }

    private static Duration pollingInterval(Attributes s) {
        return Duration.ofSeconds(map(s, "polling_interval", v -> ValueChecks.positive("polling_interval", v)));
    }

    private static <T> T map(Attributes s, String keyword, Function<String, T> parser) {
        Setting setting = s.get(keyword).orElseThrow(() -> new IllegalStateException("no value for " + keyword));
        try {
            return parser.apply(setting.value());
        } catch (SettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SettingException(setting, e.getMessage());
        }
    }
}
