package io.mpath4j.lab.target;

import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.iscsi.login.KeyValue;
import io.mpath4j.iscsi.login.TargetPortal;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.lab.lu.TaskExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * The iSCSI side of the lab target: portals, target nodes, login (CHAP, negotiation), discovery,
 * and the full feature phase of RFC 7143 at ErrorRecoveryLevel 0 with one connection per session.
 * The SCSI side is a {@link TaskExecutor} per target node; this class knows nothing of logical
 * units beyond their numbers.
 *
 * <pre>
 * LabTarget t = LabTarget.builder()
 *         .portal("127.0.0.1", 0, 1, 1, 1)
 *         .portal("127.0.0.2", 0, 2, 2, 2)
 *         .target("iqn.2026-11.io.mpath4j:lab", executor, 0)
 *         .start();
 * t.lunUris();                        // iscsi://127.0.0.1:40123/iqn.2026-11.io.mpath4j:lab/0, ...
 * t.faults(1).blackhole(true);        // a silent loss of the second path
 * </pre>
 *
 * <p>Every method is thread-safe; faults change at run time through {@link #faults(int)}.
 */
public final class LabTarget implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LabTarget.class.getName());

    private final Map<String, TargetNode> nodes;
    private final List<Portal> portals = new ArrayList<>();
    private final ChapCredentials initiatorChap;
    private final ChapCredentials targetChap;
    private final TargetSettings settings;
    private final SessionTable sessions = new SessionTable();
    private final RandomGenerator random = new SecureRandom();

    private LabTarget(Builder b) {
        this.nodes = new LinkedHashMap<>(b.nodes);
        this.initiatorChap = b.initiatorChap;
        this.targetChap = b.targetChap;
        this.settings = b.settings;
        for (PortalSpec p : b.portals) {
            portals.add(new Portal(p, this));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a lab target; {@link #start()} binds its portals. */
    public static final class Builder {
        private final List<PortalSpec> portals = new ArrayList<>();
        private final Map<String, TargetNode> nodes = new LinkedHashMap<>();
        private ChapCredentials initiatorChap;
        private ChapCredentials targetChap;
        private TargetSettings settings = TargetSettings.defaults();

        /** A portal: address, port (0 for an ephemeral one), portal group tag, relative target port id, ALUA group id. */
        public Builder portal(String host, int port, int portalGroupTag, int relativeTargetPortId, int targetPortGroupId) {
            return portal(new PortalSpec(host, port, portalGroupTag, relativeTargetPortId, targetPortGroupId));
        }

        public Builder portal(PortalSpec spec) {
            portals.add(Objects.requireNonNull(spec));
            return this;
        }

        /** A target node with the LUN numbers its executor answers at (for URIs and task management). */
        public Builder target(String iqn, TaskExecutor executor, int... luns) {
            return target(iqn, null, executor, java.util.Arrays.stream(luns).boxed().toList());
        }

        public Builder target(String iqn, String alias, TaskExecutor executor, List<Integer> luns) {
            if (nodes.putIfAbsent(iqn, new TargetNode(iqn, alias, executor, luns)) != null) {
                throw new IllegalArgumentException("target " + iqn + " twice");
            }
            return this;
        }

        /**
         * Requires CHAP (RFC 7143 §12.1.3) of every login, discovery included.
         *
         * @param initiator the name and secret initiators must prove
         * @param target the target's name and secret for mutual CHAP, or null (then an initiator
         *     asking for mutual CHAP is refused)
         */
        public Builder chap(ChapCredentials initiator, ChapCredentials target) {
            this.initiatorChap = Objects.requireNonNull(initiator, "initiator");
            this.targetChap = target;
            return this;
        }

        public Builder settings(TargetSettings s) {
            this.settings = Objects.requireNonNull(s);
            return this;
        }

        /** Binds every portal and starts accepting; on failure nothing stays bound. */
        public LabTarget start() throws IOException {
            if (portals.isEmpty()) {
                throw new IllegalStateException("a lab target needs at least one portal");
            }
            if (nodes.isEmpty()) {
                throw new IllegalStateException("a lab target needs at least one target");
            }
            LabTarget t = new LabTarget(this);
            try {
                for (Portal p : t.portals) {
                    p.start();
                }
            } catch (IOException | RuntimeException e) {
                t.close();
                throw e;
            }
            return t;
        }
    }

    // ------------------------------------------------------------------ public API

    /** The bound address of every portal, in builder order (an ephemeral port resolved). */
    public List<InetSocketAddress> portals() {
        return portals.stream().map(Portal::address).toList();
    }

    /** The fault controls of portal {@code index} (builder order). */
    public PortalFaults faults(int index) {
        return portals.get(index).faults();
    }

    /** The target names. */
    public List<String> targets() {
        return List.copyOf(nodes.keySet());
    }

    /** {@code iscsi://host:port/iqn/lun} for one LUN through one portal. */
    public String uri(int portal, String iqn, int lun) {
        if (!nodes.containsKey(iqn)) {
            throw new IllegalArgumentException("no target " + iqn);
        }
        return "iscsi://" + hostPort(portals.get(portal)) + "/" + iqn + "/" + lun;
    }

    /** The URI of every LUN of every target through every portal. */
    public List<String> lunUris() {
        List<String> out = new ArrayList<>();
        for (TargetNode n : nodes.values()) {
            for (int lun : n.luns()) {
                for (int i = 0; i < portals.size(); i++) {
                    out.add(uri(i, n.iqn(), lun));
                }
            }
        }
        return out;
    }

    /** Normal sessions logged in now. */
    public int sessionCount() {
        return (int) sessions.all().stream().filter(s -> !s.isEnded()).count();
    }

    /** Stops listening, resets every connection, ends every session. */
    @Override
    public void close() {
        for (Portal p : portals) {
            p.stop();
        }
        for (TargetSession s : sessions.all()) {
            s.end("target stopped");
        }
    }

    // ------------------------------------------------------------------ for the connections

    TargetSettings settings() {
        return settings;
    }

    SessionTable sessions() {
        return sessions;
    }

    RandomGenerator random() {
        return random;
    }

    TargetLogin.Context loginContext(PortalSpec portal) {
        return new TargetLogin.Context() {
            public TargetNode target(String iqn) {
                return nodes.get(iqn);
            }

            public ChapCredentials initiatorChap() {
                return initiatorChap;
            }

            public ChapCredentials targetChap() {
                return targetChap;
            }

            public TargetSettings settings() {
                return settings;
            }

            public PortalSpec portal() {
                return portal;
            }

            public RandomGenerator random() {
                return random;
            }
        };
    }

    /**
     * The answer to a Text Request (RFC 7143 §13.3, Appendix C): SendTargets=All lists every target
     * with the address of every portal; SendTargets=name that target; an empty SendTargets in a
     * normal session the session's target. Other keys are not negotiable in the full feature phase
     * here and are answered Reject (known keys) or NotUnderstood. A portal listening on a wildcard
     * address is reported with the address the request arrived at ({@code local}) when the request
     * came through it, and is left out otherwise (an initiator cannot connect to 0.0.0.0).
     */
    List<KeyValue> textAnswer(List<KeyValue> request, TargetNode current, Portal via, InetSocketAddress local) {
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : request) {
            if (!kv.key().equals("SendTargets")) {
                boolean known = io.mpath4j.iscsi.login.Key.of(kv.key()).isPresent();
                out.add(KeyValue.of(kv.key(), known ? "Reject" : "NotUnderstood"));
                continue;
            }
            List<TargetNode> which = new ArrayList<>();
            if (kv.value().equals("All")) {
                which.addAll(nodes.values());
            } else if (kv.value().isEmpty()) {
                if (current != null) {
                    which.add(current);
                }
            } else if (nodes.containsKey(kv.value())) {
                which.add(nodes.get(kv.value()));
            }
            for (TargetNode n : which) {
                out.add(KeyValue.of("TargetName", n.iqn()));
                for (Portal p : portals) {
                    InetSocketAddress a = p.address();
                    if (a.getAddress().isAnyLocalAddress()) {
                        if (p != via || local == null) {
                            continue;
                        }
                        a = new InetSocketAddress(local.getAddress(), a.getPort());
                    }
                    String host = a.getAddress().getHostAddress();
                    out.add(KeyValue.of("TargetAddress",
                            new TargetPortal(host, a.getPort(), OptionalInt.of(p.spec().portalGroupTag())).toText()));
                }
            }
        }
        return out;
    }

    /** A task management request of session {@code s}: the response code (§11.6.1). */
    int taskManagement(TargetSession s, Pdu.TaskManagementRequest t) {
        long lun = Connection.lunNumber(t.lun());
        boolean known = s.node.luns().isEmpty() || s.node.luns().contains((int) lun);
        try {
            return switch (t.function()) {
                case Pdu.TaskFunction.ABORT_TASK -> s.abortTask(t.referencedTaskTag(), t.refCmdSN());
                case Pdu.TaskFunction.ABORT_TASK_SET -> {
                    if (!known) {
                        yield Pdu.TaskManagementResponse.LUN_DOES_NOT_EXIST;
                    }
                    s.abortTaskSet(lun);
                    yield Pdu.TaskManagementResponse.FUNCTION_COMPLETE;
                }
                case Pdu.TaskFunction.CLEAR_TASK_SET -> {
                    if (!known) {
                        yield Pdu.TaskManagementResponse.LUN_DOES_NOT_EXIST;
                    }
                    for (TargetSession other : sessions.of(s.node)) {
                        other.abortTaskSet(lun);
                    }
                    yield Pdu.TaskManagementResponse.FUNCTION_COMPLETE;
                }
                case Pdu.TaskFunction.LOGICAL_UNIT_RESET -> {
                    if (!known) {
                        yield Pdu.TaskManagementResponse.LUN_DOES_NOT_EXIST;
                    }
                    s.logicalUnitReset(lun);
                    yield Pdu.TaskManagementResponse.FUNCTION_COMPLETE;
                }
                case Pdu.TaskFunction.TARGET_WARM_RESET, Pdu.TaskFunction.TARGET_COLD_RESET -> {
                    for (int l : s.node.luns()) {
                        s.logicalUnitReset(l);
                    }
                    yield Pdu.TaskManagementResponse.FUNCTION_COMPLETE;
                }
                case Pdu.TaskFunction.TASK_REASSIGN -> Pdu.TaskManagementResponse.REASSIGNMENT_NOT_SUPPORTED;
                case Pdu.TaskFunction.CLEAR_ACA -> Pdu.TaskManagementResponse.FUNCTION_NOT_SUPPORTED;
                default -> Pdu.TaskManagementResponse.FUNCTION_REJECTED;
            };
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "task management function " + t.function() + " failed", e);
            return Pdu.TaskManagementResponse.FUNCTION_REJECTED;
        }
    }

    /** TARGET COLD RESET: every session of the target node ends. */
    void coldReset(TargetNode node) {
        for (TargetSession s : sessions.of(node)) {
            s.end("target cold reset");
        }
    }

    private static String hostPort(Portal p) {
        InetSocketAddress a = p.address();
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
