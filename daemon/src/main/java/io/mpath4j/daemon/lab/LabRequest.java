package io.mpath4j.daemon.lab;

import io.mpath4j.scsi.alua.AluaState;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One change or query for a running lab target, as {@code mpath lab set} sends it: the words of
 * the command line ({@code group 2 standby}), parsed into a record. A bad request is an
 * {@link IllegalArgumentException} naming what was wrong; nothing is applied.
 */
public sealed interface LabRequest {

    /** The usage text of every request, for help and error messages. */
    String USAGE = "group G STATE [--for D]       active-optimized | active-non-optimized | standby\n"
            + "                              | unavailable (--for: TRANSITIONING for D first)\n"
            + "group G transitioning --for D transitions for D, then back to its state\n"
            + "portal HOST:PORT|I ACTION     blackhole | reset | refuse | accept | restore\n"
            + "                              | latency DURATION [JITTER]  (I: index from 0)\n"
            + "lun L fail-next N K/ASC/ASCQ  the next N commands fail with that sense (hex)\n"
            + "lun L clear                   clear LUN L's injected faults\n"
            + "hold-write LBA COUNT D        hold the next write touching those LBAs for D\n"
            + "status                        portals, port groups, LUNs, sessions\n"
            + "stop                          stop the lab target";

    /**
     * ALUA state of one target port group.
     *
     * @param transition how long the group stays TRANSITIONING first; empty: the target's
     *     configured transition time
     */
    record SetGroup(int group, AluaState state, Optional<Duration> transition) implements LabRequest {
        public SetGroup(int group, AluaState state) {
            this(group, state, Optional.empty());
        }
    }

    /** The group goes TRANSITIONING for {@code length}, then back to the state it had. */
    record Transition(int group, Duration length) implements LabRequest {}

    /** A fault (or its end) on one portal, named by address or by index (0 = first --portal). */
    record PortalFault(String portal, PortalAction action, Duration latency, Duration jitter) implements LabRequest {}

    /** What {@link PortalFault} does. */
    enum PortalAction { BLACKHOLE, RESET, REFUSE, ACCEPT, RESTORE, LATENCY }

    /** The next {@code count} commands of a LUN end in CHECK CONDITION with {@code sense}. */
    record FailNext(int lun, long count, SenseData sense) implements LabRequest {}

    /** Clears a LUN's injected faults. */
    record ClearLun(int lun) implements LabRequest {}

    /** Holds the next write touching {@code firstLba .. firstLba + count - 1} for {@code hold}. */
    record HoldWrite(long firstLba, long count, Duration hold) implements LabRequest {}

    record Status() implements LabRequest {}

    record Stop() implements LabRequest {}

    /** Parses the words of one request. */
    static LabRequest parse(List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty request; one of:\n" + USAGE);
        }
        String verb = words.getFirst().toLowerCase(Locale.ROOT);
        return switch (verb) {
            case "group" -> group(words);
            case "portal" -> portal(words);
            case "lun" -> lun(words);
            case "hold-write" -> {
                count(words, 4, 4, "hold-write LBA COUNT DURATION");
                long lba = longArg(words.get(1), "LBA");
                long n = longArg(words.get(2), "COUNT");
                if (n < 1) {
                    throw new IllegalArgumentException("hold-write COUNT must be ≥ 1, got " + n);
                }
                yield new HoldWrite(lba, n, duration(words.get(3)));
            }
            case "status" -> {
                count(words, 1, 1, "status");
                yield new Status();
            }
            case "stop" -> {
                count(words, 1, 1, "stop");
                yield new Stop();
            }
            default -> throw new IllegalArgumentException("unknown request '" + words.getFirst() + "'; one of:\n" + USAGE);
        };
    }

    private static LabRequest group(List<String> w) {
        count(w, 3, 5, "group G STATE [--for DURATION]");
        int group = intArg(w.get(1), "group");
        Optional<Duration> length = Optional.empty();
        if (w.size() > 3) {
            if (w.size() != 5 || !w.get(3).equals("--for")) {
                throw new IllegalArgumentException("'" + String.join(" ", w) + "': expected group G STATE [--for DURATION]");
            }
            length = Optional.of(duration(w.get(4)));
        }
        if (w.get(2).equalsIgnoreCase("transitioning")) {
            if (length.isEmpty() || length.get().isZero()) {
                throw new IllegalArgumentException("group G transitioning needs --for DURATION (e.g. --for 5s): how long"
                        + " the group transitions before it returns to its state");
            }
            return new Transition(group, length.get());
        }
        return new SetGroup(group, state(w.get(2)), length);
    }

    private static LabRequest portal(List<String> w) {
        count(w, 3, 5, "portal HOST:PORT ACTION");
        String action = w.get(2).toLowerCase(Locale.ROOT);
        PortalAction a = switch (action) {
            case "blackhole" -> PortalAction.BLACKHOLE;
            case "reset" -> PortalAction.RESET;
            case "refuse" -> PortalAction.REFUSE;
            case "accept" -> PortalAction.ACCEPT;
            case "restore" -> PortalAction.RESTORE;
            case "latency" -> PortalAction.LATENCY;
            default -> throw new IllegalArgumentException("unknown portal action '" + w.get(2)
                    + "' (blackhole, reset, refuse, accept, restore, latency DURATION [JITTER])");
        };
        if (a != PortalAction.LATENCY) {
            count(w, 3, 3, "portal HOST:PORT " + action);
            return new PortalFault(w.get(1), a, Duration.ZERO, Duration.ZERO);
        }
        count(w, 4, 5, "portal HOST:PORT latency DURATION [JITTER]");
        return new PortalFault(w.get(1), a, duration(w.get(3)), w.size() == 5 ? duration(w.get(4)) : Duration.ZERO);
    }

    private static LabRequest lun(List<String> w) {
        count(w, 3, 5, "lun L fail-next N K/ASC/ASCQ | lun L clear");
        int lun = intArg(w.get(1), "LUN");
        return switch (w.get(2).toLowerCase(Locale.ROOT)) {
            case "clear" -> {
                count(w, 3, 3, "lun L clear");
                yield new ClearLun(lun);
            }
            case "fail-next" -> {
                count(w, 5, 5, "lun L fail-next N K/ASC/ASCQ");
                long n = longArg(w.get(3), "N");
                if (n < 1) {
                    throw new IllegalArgumentException("fail-next N must be ≥ 1, got " + n);
                }
                yield new FailNext(lun, n, sense(w.get(4)));
            }
            default -> throw new IllegalArgumentException("unknown lun action '" + w.get(2) + "' (fail-next, clear)");
        };
    }

    /** {@code active-optimized}, {@code ao}, {@code active/optimized}, … */
    static AluaState state(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace('/', '-').replace('_', '-')) {
            case "active-optimized", "ao", "optimized" -> AluaState.ACTIVE_OPTIMIZED;
            case "active-non-optimized", "ano", "non-optimized" -> AluaState.ACTIVE_NON_OPTIMIZED;
            case "standby" -> AluaState.STANDBY;
            case "unavailable" -> AluaState.UNAVAILABLE;
            default -> throw new IllegalArgumentException("unknown ALUA state '" + s
                    + "' (active-optimized, active-non-optimized, standby, unavailable)");
        };
    }

    /** {@code K/ASC/ASCQ} in hex, e.g. {@code 3/11/00} (MEDIUM ERROR, UNRECOVERED READ ERROR). */
    static SenseData sense(String s) {
        String[] p = s.split("/");
        try {
            if (p.length != 3) {
                throw new NumberFormatException();
            }
            int key = Integer.parseInt(p[0], 16);
            int asc = Integer.parseInt(p[1], 16);
            int ascq = Integer.parseInt(p[2], 16);
            if (key > 0xF || asc > 0xFF || ascq > 0xFF || key < 1) {
                throw new NumberFormatException();
            }
            return SenseData.of(SenseKey.of(key), asc, ascq);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sense '" + s + "' must be KEY/ASC/ASCQ in hex with a key 1-F, e.g. 3/11/00");
        }
    }

    /** {@code 50ms}, {@code 1.5s}, {@code 200us}, {@code 0}. */
    static Duration duration(String s) {
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(s|ms|us)").matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad duration '" + s + "' (examples: 50ms, 1.5s, 200us)");
        }
        long unit = switch (m.group(2)) {
            case "s" -> 1_000_000_000L;
            case "ms" -> 1_000_000L;
            default -> 1_000L;
        };
        return Duration.ofNanos(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValue());
    }

    private static void count(List<String> w, int min, int max, String form) {
        if (w.size() < min || w.size() > max) {
            throw new IllegalArgumentException("'" + String.join(" ", w) + "': expected " + form);
        }
    }

    private static int intArg(String s, String what) {
        long v = longArg(s, what);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " out of range: " + s);
        }
        return (int) v;
    }

    private static long longArg(String s, String what) {
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number ≥ 0, got '" + s + "'");
        }
    }
}
