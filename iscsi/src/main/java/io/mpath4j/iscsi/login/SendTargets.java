package io.mpath4j.iscsi.login;

import java.util.ArrayList;
import java.util.List;

/**
 * The answer to {@code SendTargets} in a discovery session (RFC 7143 §13.3, Appendix C): a
 * sequence of {@code TargetName=} lines, each followed by the {@code TargetAddress=} lines of its
 * portals. A target with no TargetAddress lines is reached at the portal the discovery session
 * used ("the address of the current connection", §13.3).
 */
public final class SendTargets {

    /** One target and its portals. */
    public record DiscoveredTarget(String name, List<TargetPortal> portals) {
        public DiscoveredTarget {
            portals = List.copyOf(portals);
        }
    }

    private SendTargets() {}

    /** The request pair: {@code SendTargets=All}, or a single target's name. */
    public static KeyValue request(String which) {
        return KeyValue.of(Key.SEND_TARGETS.wireName(), which);
    }

    public static List<DiscoveredTarget> parse(List<KeyValue> response) throws NegotiationException {
        List<DiscoveredTarget> out = new ArrayList<>();
        String name = null;
        List<TargetPortal> portals = new ArrayList<>();
        for (KeyValue kv : response) {
            switch (kv.key()) {
                case "TargetName" -> {
                    if (name != null) {
                        out.add(new DiscoveredTarget(name, portals));
                    }
                    if (kv.value().isEmpty()) {
                        throw new NegotiationException("empty TargetName in a SendTargets response");
                    }
                    name = kv.value();
                    portals = new ArrayList<>();
                }
                case "TargetAddress" -> {
                    if (name == null) {
                        throw new NegotiationException("TargetAddress " + KeyValue.quoted(kv.value())
                                + " before any TargetName in a SendTargets response");
                    }
                    portals.add(TargetPortal.parse(kv.value()));
                }
                default -> {
                    // TargetAlias and other keys may accompany the list; they do not change it
                }
            }
        }
        if (name != null) {
            out.add(new DiscoveredTarget(name, portals));
        }
        return out;
    }
}
