package io.mpath4j.daemon.control;

import java.util.List;
import java.util.Locale;

/**
 * One management command, parsed from the words an administrator types. The grammar is
 * multipathd's interactive one ({@code show topology}, {@code fail path X}, {@code switchgroup map M
 * group N}, …) so that people who run {@code multipathd -k} find the same verbs; the words travel
 * over the socket and are parsed here, on the server, so every client speaks one grammar.
 */
public sealed interface ManagementRequest {

    /** {@code show topology [map M]}: every device (or one) in the shape of {@code multipath -ll}. */
    record ShowTopology(String map) implements ManagementRequest {}

    /** {@code show maps}: one line per device. */
    record ShowMaps() implements ManagementRequest {}

    /** {@code show paths}: one line per path of every device. */
    record ShowPaths() implements ManagementRequest {}

    /** {@code show status}: counters of every device. */
    record ShowStatus() implements ManagementRequest {}

    /** {@code fail path P}: administrator fails a path; only {@code reinstate path} brings it back. */
    record FailPath(String path) implements ManagementRequest {}

    /** {@code reinstate path P}. */
    record ReinstatePath(String path) implements ManagementRequest {}

    /** {@code switchgroup map M group N}: N counts from 1, as in multipathd. */
    record SwitchGroup(String map, int group) implements ManagementRequest {}

    /** {@code disablequeueing map M} or {@code disablequeueing maps}: map null means every device. */
    record DisableQueueing(String map) implements ManagementRequest {}

    /** {@code restorequeueing map M} or {@code restorequeueing maps}. */
    record RestoreQueueing(String map) implements ManagementRequest {}

    /** {@code set selector map M "service-time 0"}: live selector change. */
    record SetSelector(String map, String selector) implements ManagementRequest {}

    /** {@code resize map M}: re-read the capacity from the paths. */
    record ResizeMap(String map) implements ManagementRequest {}

    /** {@code del path P}: remove a path from its device. */
    record DelPath(String path) implements ManagementRequest {}

    /** {@code show config}: the configuration the daemon runs with. */
    record ShowConfig() implements ManagementRequest {}

    /** {@code reconfigure}: re-read the configuration file and apply changed settings to live devices. */
    record Reconfigure() implements ManagementRequest {}

    /**
     * {@code add path URI [map M]}: open a path and add it to the device of its unit (iSCSI
     * units say their WWID; an NBD path needs the map it belongs to).
     */
    record AddPath(String uri, String map) implements ManagementRequest {}

    /** {@code events}: a live stream of state changes until the client disconnects. */
    record Events() implements ManagementRequest {}

    /** The commands, for help texts and the "unknown command" error. */
    List<String> GRAMMAR = List.of(
            "show topology [map M]", "show maps", "show paths", "show status", "show config",
            "fail path P", "reinstate path P", "add path URI [map M]", "del path P",
            "switchgroup map M group N",
            "disablequeueing map M | maps", "restorequeueing map M | maps",
            "set selector map M SELECTOR", "resize map M", "reconfigure", "events");

    /**
     * Parses the words of one command. Keywords are case-insensitive; names (maps, paths) are
     * taken as given.
     *
     * @throws IllegalArgumentException with a message naming what was expected
     */
    static ManagementRequest parse(List<String> words) {
        Words w = new Words(words);
        String verb = w.keyword("a command");
        ManagementRequest request = switch (verb) {
            case "show", "list" -> switch (w.keyword("what to show (topology, maps, paths, status, config)")) {
                case "topology" -> new ShowTopology(w.atEnd() ? null : w.after("map"));
                case "maps", "multipaths" -> new ShowMaps();
                case "paths" -> new ShowPaths();
                case "status", "daemon" -> new ShowStatus();
                case "config" -> new ShowConfig();
                default -> throw w.unknown("show");
            };
            case "fail" -> new FailPath(w.after("path"));
            case "reinstate" -> new ReinstatePath(w.after("path"));
            case "del", "remove" -> new DelPath(w.after("path"));
            case "add" -> {
                String uri = w.after("path");
                yield new AddPath(uri, w.atEnd() ? null : w.after("map"));
            }
            case "switchgroup", "switch" -> {
                String map = w.after("map");
                String group = w.after("group");
                try {
                    int n = Integer.parseInt(group);
                    if (n < 1) {
                        throw new NumberFormatException();
                    }
                    yield new SwitchGroup(map, n);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("group must be a number from 1, as 'show topology' counts them: '" + group + "'");
                }
            }
            case "disablequeueing" -> new DisableQueueing(w.mapOrAll());
            case "restorequeueing" -> new RestoreQueueing(w.mapOrAll());
            case "set" -> {
                w.expect("selector");
                String map = w.after("map");
                yield new SetSelector(map, w.rest("a path selector, e.g. \"service-time 0\""));
            }
            case "resize" -> new ResizeMap(w.after("map"));
            case "reconfigure" -> new Reconfigure();
            case "events" -> new Events();
            default -> throw new IllegalArgumentException("unknown command '" + String.join(" ", words) + "'; commands: "
                    + String.join(", ", GRAMMAR));
        };
        if (!w.atEnd()) {
            throw new IllegalArgumentException("unexpected '" + w.remaining() + "' after '" + w.consumed() + "'");
        }
        return request;
    }

    /** A cursor over the words with messages that say what was expected. */
    final class Words {
        private final List<String> words;
        private int next;

        Words(List<String> words) {
            this.words = List.copyOf(words);
        }

        boolean atEnd() {
            return next >= words.size();
        }

        String keyword(String what) {
            return word(what).toLowerCase(Locale.ROOT);
        }

        String word(String what) {
            if (atEnd()) {
                throw new IllegalArgumentException(words.isEmpty() ? "empty command; commands: " + String.join(", ", GRAMMAR)
                        : "'" + consumed() + "' needs " + what);
            }
            return words.get(next++);
        }

        void expect(String keyword) {
            String got = keyword("'" + keyword + "'");
            if (!got.equals(keyword)) {
                next--;
                throw new IllegalArgumentException("expected '" + keyword + "' after '" + consumed() + "', got '" + words.get(next) + "'");
            }
        }

        /** {@code keyword NAME}: the name. */
        String after(String keyword) {
            expect(keyword);
            return word("a " + keyword + " name");
        }

        String mapOrAll() {
            String k = keyword("'map M' or 'maps'");
            if (k.equals("maps")) {
                return null;
            }
            next--;
            return after("map");
        }

        String rest(String what) {
            if (atEnd()) {
                throw new IllegalArgumentException("'" + consumed() + "' needs " + what);
            }
            String r = String.join(" ", words.subList(next, words.size()));
            next = words.size();
            return r;
        }

        IllegalArgumentException unknown(String after) {
            return new IllegalArgumentException("unknown '" + after + " " + words.get(next - 1) + "'; commands: " + String.join(", ", GRAMMAR));
        }

        String consumed() {
            return String.join(" ", words.subList(0, Math.min(next, words.size())));
        }

        String remaining() {
            return String.join(" ", words.subList(next, words.size()));
        }
    }
}
