package io.mpath4j.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bindings file of user friendly names, in multipath-tools' format (/etc/multipath/bindings):
 * {@code #} comments and lines {@code alias wwid}. A WWID keeps its name across restarts because
 * the name is written down the first time it is given, and the file is only ever appended to (a
 * line we cannot read is reported and kept, never rewritten away). A new name is the first free
 * one in multipath-tools' sequence prefix+a … z, aa … az, ba … (bijective base 26).
 */
public final class Bindings {

    private static final String HEADER = """
            # Multipath bindings, Version : 1.0
            # NOTE: this file is maintained by mpath4j (and readable by multipath-tools).
            # Format:
            # alias wwid
            #
            """;

    private final Path file;
    private final Map<String, String> aliasByWwid = new LinkedHashMap<>();
    private final Map<String, String> wwidByAlias = new LinkedHashMap<>();
    private final List<Diagnostic> problems = new ArrayList<>();

    private Bindings(Path file) {
        this.file = file;
    }

    /** Reads {@code file}; a missing file is an empty table (it is created on the first allocation). */
    public static Bindings load(Path file) throws IOException {
        Bindings b = new Bindings(file);
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                b.line(lines.get(i), new SourceLocation(file.toString(), i + 1, 0));
            }
        }
        return b;
    }

    private void line(String raw, SourceLocation at) {
        int hash = raw.indexOf('#');
        String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
        if (line.isEmpty()) {
            return;
        }
        String[] words = line.split("\\s+");
        if (words.length < 2) {
            problems.add(new Diagnostic(Diagnostic.Severity.WARNING, at, "binding \"" + line + "\" has no WWID; line ignored"));
            return;
        }
        if (words.length > 2) {
            problems.add(new Diagnostic(Diagnostic.Severity.WARNING, at, "extra data after the WWID ignored"));
        }
        String alias = words[0];
        String wwid = words[1];
        if (wwidByAlias.containsKey(alias) && !wwidByAlias.get(alias).equals(wwid)) {
            problems.add(new Diagnostic(Diagnostic.Severity.WARNING, at, "alias " + alias + " is already bound to "
                    + wwidByAlias.get(alias) + "; this binding is ignored"));
            return;
        }
        if (aliasByWwid.containsKey(wwid)) {
            if (!aliasByWwid.get(wwid).equals(alias)) {
                problems.add(new Diagnostic(Diagnostic.Severity.WARNING, at, "wwid " + wwid + " is already bound to "
                        + aliasByWwid.get(wwid) + "; this binding is ignored"));
            }
            return;
        }
        aliasByWwid.put(wwid, alias);
        wwidByAlias.put(alias, wwid);
    }

    public List<Diagnostic> problems() {
        return Collections.unmodifiableList(problems);
    }

    public Optional<String> alias(String wwid) {
        return Optional.ofNullable(aliasByWwid.get(wwid));
    }

    public Map<String, String> aliasesByWwid() {
        return Collections.unmodifiableMap(aliasByWwid);
    }

    /**
     * The name of {@code wwid}: its binding, or the first free {@code prefix}+letters name, which
     * is appended to the file (and forced to disk) before it is returned.
     *
     * @param reserved names not to hand out (aliases configured in {@code multipaths})
     */
    public synchronized String allocate(String wwid, String prefix, Set<String> reserved) throws IOException {
        String existing = aliasByWwid.get(wwid);
        if (existing != null) {
            return existing;
        }
        String alias;
        for (long id = 1; ; id++) {
            alias = prefix + suffix(id);
            if (!wwidByAlias.containsKey(alias) && !reserved.contains(alias)) {
                break;
            }
        }
        append(alias + " " + wwid + "\n");
        aliasByWwid.put(wwid, alias);
        wwidByAlias.put(alias, wwid);
        return alias;
    }

    /** 1 → a, 26 → z, 27 → aa, 702 → zz, 703 → aaa (multipath-tools' format_devname). */
    static String suffix(long id) {
        if (id < 1) {
            throw new IllegalArgumentException("id " + id);
        }
        StringBuilder b = new StringBuilder();
        long n = id;
        while (n > 0) {
            n--;
            b.append((char) ('a' + n % 26));
            n /= 26;
        }
        return b.reverse().toString();
    }

    private void append(String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            String out = fresh ? HEADER + text : needsNewline(ch) ? "\n" + text : text;
            ByteBuffer buf = ByteBuffer.wrap(out.getBytes(StandardCharsets.UTF_8));
            long position = ch.size(); // append: earlier lines are never rewritten
            while (buf.hasRemaining()) {
                position += ch.write(buf, position);
            }
            ch.force(true);
        }
    }

    private boolean needsNewline(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return false;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        ch.read(last, size - 1);
        return last.get(0) != '\n';
    }
}
