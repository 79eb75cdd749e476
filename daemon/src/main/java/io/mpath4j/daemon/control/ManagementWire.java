package io.mpath4j.daemon.control;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The management socket's framing: one JSON object per line, UTF-8, each way. A request is
 * {@code {"command":["show","topology"]}}; a reply is a {@link ManagementReply}; the
 * {@code events} stream sends {@code {"event":{…},"text":"…"}} lines until either side closes.
 * The lab target's control endpoint ({@code mpath lab set}) speaks the same framing.
 * Lines are capped so that a misbehaving client cannot make the daemon buffer without bound.
 */
public final class ManagementWire {

    /** Far above any real command; a line longer than this is an error, not a buffer to grow. */
    static final int MAX_LINE = 64 * 1024;

    private ManagementWire() {}

    public static byte[] request(List<String> words) throws IOException {
        return line(Map.of("command", words));
    }

    /** Nulls are written, not dropped: a field is always there, so scripts need no existence checks. */
    private static final JSON WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    public static byte[] line(Object json) throws IOException {
        return (WRITER.asString(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The command words of a request line. */
    public static List<String> parseRequest(String line) {
        Map<String, Object> m = parseObject(line);
        if (!(m.get("command") instanceof List<?> words) || words.isEmpty()) {
            throw new IllegalArgumentException("malformed request: expected {\"command\":[\"word\", …]}");
        }
        List<String> out = new ArrayList<>(words.size());
        for (Object w : words) {
            if (!(w instanceof String s)) {
                throw new IllegalArgumentException("malformed request: command words must be strings, got " + w);
            }
            out.add(s);
        }
        return out;
    }

    public static Map<String, Object> parseObject(String line) {
        try {
            return JSON.std.mapFrom(line);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed JSON line: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /**
     * One line without its newline, or null at end of stream.
     *
     * @throws IOException when the line exceeds {@link #MAX_LINE} bytes
     */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
}
