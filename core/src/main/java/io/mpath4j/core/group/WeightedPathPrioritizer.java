package io.mpath4j.core.group;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code prio weightedpath}: priorities given in the configuration, chosen by regular expressions
 * matched against one attribute of the path, as multipath-tools'
 * {@code libmultipath/prioritizers/weightedpath.c} does. Arguments:
 * {@code <mode> <regex1> <prio1> <regex2> <prio2> ...}; the first regex that matches wins, no
 * match gives 0. Like POSIX {@code regexec}, a regex matches anywhere in the attribute unless it
 * is anchored with {@code ^}/{@code $}; regexes are Java syntax, which agrees with POSIX extended
 * syntax for the usual cases. Words are separated by blanks, so a regex cannot contain one.
 *
 * <p>Modes: {@code name} and {@code devname} (multipath-tools' name) match the path name, e.g.
 * {@code iscsi:127.0.0.1:3260/iqn.x/1}; {@code serial} matches the unit serial number.
 * {@code wwn} matches the unit WWID here, whereas multipath-tools matches the Fibre Channel string
 * {@code host_wwnn:host_wwpn:target_wwnn:target_wwpn}, which network paths do not have.
 * {@code hbtl} (SCSI host:bus:target:lun) is rejected: it names a local SCSI device, which paths
 * owned by this initiator do not have.
 *
 * <p>Stricter than multipath-tools, which logs and ignores such mistakes: a regex that does not
 * compile, a priority that is not a non-negative integer, a missing priority or an empty list
 * fail at configuration time.
 */
public final class WeightedPathPrioritizer implements Prioritizer {

    /** What a rule's regex is matched against. */
    public enum Mode {
        NAME(PathIdentity::name),
        SERIAL(PathIdentity::serial),
        WWN(PathIdentity::wwid);

        private final Function<PathIdentity, String> attribute;

        Mode(Function<PathIdentity, String> attribute) {
            this.attribute = attribute;
        }

        String of(PathIdentity id) {
            return attribute.apply(id);
        }
    }

    /** One {@code <regex> <prio>} pair. */
    public record Rule(Pattern regex, int priority) {
        public Rule {
            Objects.requireNonNull(regex, "regex");
            if (priority < 0) {
                throw new IllegalArgumentException("negative priority " + priority);
            }
        }
    }

    public static final int NO_MATCH = 0;

    private final Mode mode;
    private final List<Rule> rules;
    private final String args;

    private WeightedPathPrioritizer(Mode mode, List<Rule> rules, String args) {
        this.mode = mode;
        this.rules = List.copyOf(rules);
        this.args = args;
    }

    /** Parses multipath.conf {@code prio_args} for weightedpath; see the class comment. */
    public static WeightedPathPrioritizer parse(String args) {
        String[] words = args.strip().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            throw new IllegalArgumentException(
                    "prio weightedpath needs prio_args \"<name|devname|serial|wwn> <regex> <prio> ...\"");
        }
        Mode mode = switch (words[0]) {
            case "name", "devname" -> Mode.NAME;
            case "serial" -> Mode.SERIAL;
            case "wwn" -> Mode.WWN;
            case "hbtl" -> throw new IllegalArgumentException("prio weightedpath: mode 'hbtl' matches a local SCSI"
                    + " host:bus:target:lun, which does not apply to network paths; use 'name'");
            default -> throw new IllegalArgumentException("prio weightedpath: unknown mode '" + words[0]
                    + "'; valid: name, devname, serial, wwn");
        };
        if (words.length == 1 || (words.length - 1) % 2 != 0) {
            throw new IllegalArgumentException("prio weightedpath: expected <regex> <prio> pairs after '" + words[0]
                    + "', got: " + args.strip());
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 1; i < words.length; i += 2) {
            Pattern regex;
            try {
                regex = Pattern.compile(words[i]);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("prio weightedpath: bad regex '" + words[i] + "': "
                        + e.getDescription(), e);
            }
            int prio;
            try {
                prio = Integer.parseInt(words[i + 1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("prio weightedpath: priority for '" + words[i]
                        + "' is not an integer: '" + words[i + 1] + "'", e);
            }
            if (prio < 0) {
                throw new IllegalArgumentException("prio weightedpath: negative priority " + prio + " for '"
                        + words[i] + "'");
            }
            rules.add(new Rule(regex, prio));
        }
        return new WeightedPathPrioritizer(mode, rules, String.join(" ", words));
    }

    public Mode mode() {
        return mode;
    }

    public List<Rule> rules() {
        return rules;
    }

    @Override
    public int priority(PathIdentity identity, AccessState accessState, PathStats stats) {
        String value = mode.of(identity);
        for (Rule r : rules) {
            if (r.regex().matcher(value).find()) {
                return r.priority();
            }
        }
        return NO_MATCH;
    }

    @Override
    public String describe() {
        return "weightedpath " + args;
    }

    @Override
    public String toString() {
        return describe();
    }
}
