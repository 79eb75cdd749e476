package io.mpath4j.daemon.runtime;

import io.mpath4j.core.path.Path;
import io.mpath4j.daemon.config.IscsiPortal;
import io.mpath4j.daemon.config.MpathConfig;
import io.mpath4j.daemon.config.NbdEndpoint;
import io.mpath4j.iscsi.IscsiInventory;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPaths;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.nbd.client.NbdClientOptions;
import io.mpath4j.nbd.client.NbdPaths;
import io.mpath4j.nbd.client.NbdUri;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds and opens the paths the configuration names: each iSCSI {@code portal} is asked for its
 * targets (SendTargets), each target for its logical units (REPORT LUNS), and every disk found is
 * logged in to through that portal; each NBD {@code endpoint} is connected with the WWID the file
 * gives it. The result is grouped by WWID. A path that cannot be opened is a note, not a failure:
 * the daemon starts with what it can reach, as multipathd does.
 *
 * <p>Only the configured portal addresses are used. Other portals a target reports in SendTargets
 * are noted, not followed: an administrator lists each portal that is a path, so the daemon never
 * connects to an address nobody wrote down.
 */
public final class PathDiscovery {

    /** The opened paths per unit, in configuration order, and one line per thing left out. */
    public record Found(Map<String, List<Path>> byWwid, List<String> notes) {
        public Found {
            Map<String, List<Path>> copy = new LinkedHashMap<>();
            byWwid.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            byWwid = java.util.Collections.unmodifiableMap(copy);
            notes = List.copyOf(notes);
        }
    }

    private final IscsiOptions iscsiOptions;
    private final NbdClientOptions nbdOptions;

    public PathDiscovery(IscsiOptions iscsiOptions, NbdClientOptions nbdOptions) {
        this.iscsiOptions = iscsiOptions;
        this.nbdOptions = nbdOptions;
    }

    public Found discover(MpathConfig config) {
        Map<String, List<Path>> byWwid = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<IscsiUri> luns = new ArrayList<>();
        for (IscsiPortal portal : config.portals()) {
            luns.addAll(iscsiUnits(portal, notes));
        }
        if (!luns.isEmpty()) {
            IscsiPaths.Result opened = IscsiPaths.connect(luns, iscsiOptions);
            notes.addAll(opened.warnings());
            opened.byWwid().forEach((wwid, paths) -> byWwid.computeIfAbsent(wwid, w -> new ArrayList<>()).addAll(paths));
        }
        Map<String, List<NbdUri>> endpoints = new LinkedHashMap<>();
        for (NbdEndpoint e : config.nbdEndpoints()) {
            endpoints.computeIfAbsent(e.wwid(), w -> new ArrayList<>()).add(e.uri());
        }
        endpoints.forEach((wwid, uris) -> {
            NbdPaths.Result opened = NbdPaths.connect(uris, wwid, nbdOptions);
            notes.addAll(opened.warnings());
            if (!opened.paths().isEmpty()) {
                byWwid.computeIfAbsent(wwid, w -> new ArrayList<>()).addAll(opened.paths());
            }
        });
        return new Found(byWwid, notes);
    }

    /** The disk LUNs behind one portal, as path URIs through that portal (with its CHAP credentials). */
    private List<IscsiUri> iscsiUnits(IscsiPortal portal, List<String> notes) {
        IscsiUri discovery;
        try {
            discovery = discoveryUri(portal);
        } catch (IOException e) {
            notes.add("portal " + portal.address() + " (" + portal.at() + "): " + e.getMessage());
            return List.of();
        }
        List<IscsiInventory.Target> targets;
        try {
            targets = IscsiInventory.list(discovery, iscsiOptions);
        } catch (IOException | RuntimeException e) {
            notes.add("portal " + portal.address() + ": SendTargets discovery failed: " + e.getMessage());
            return List.of();
        }
        List<IscsiUri> out = new ArrayList<>();
        for (IscsiInventory.Target t : targets) {
            if (portal.target().isPresent() && !portal.target().get().equals(t.name())) {
                continue;
            }
            if (!t.error().isEmpty()) {
                notes.add("portal " + portal.address() + " target " + t.name() + ": " + t.error());
                continue;
            }
            for (var p : t.portals()) {
                if (!(p.host().equals(portal.address().host()) && p.port() == portal.address().port())) {
                    notes.add("target " + t.name() + " also reports portal " + p.host() + ":" + p.port()
                            + " (not configured, not used)");
                }
            }
            for (IscsiInventory.Unit u : t.units()) {
                if (u.identity() == null) {
                    notes.add("portal " + portal.address() + " target " + t.name() + " LUN " + u.lun() + ": " + u.note());
                } else {
                    out.add(discovery.withTarget(t.name(), u.lun()));
                }
            }
        }
        if (portal.target().isPresent() && targets.stream().noneMatch(t -> t.name().equals(portal.target().get()))) {
            notes.add("portal " + portal.address() + " (" + portal.at() + "): SendTargets does not report target "
                    + portal.target().get());
        }
        return out;
    }

    /** The portal as a discovery URI carrying its CHAP user and the secret read from its file. */
    static IscsiUri discoveryUri(IscsiPortal portal) throws IOException {
        String user = portal.chapUser().orElse("");
        String secret = "";
        if (portal.chapSecretFile().isPresent()) {
            java.nio.file.Path f = portal.chapSecretFile().get();
            try {
                secret = Files.readString(f, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IOException("CHAP secret file " + f + " cannot be read: " + e.getMessage(), e);
            }
            if (secret.isEmpty()) {
                throw new IOException("CHAP secret file " + f + " is empty");
            }
        }
        return new IscsiUri(user, secret, portal.address().host(), portal.address().port(), "", -1);
    }
}
