package io.mpath4j.daemon.control;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one request: for people a text (what the CLI prints without {@code --json}), for
 * scripts the same content as data; or an error message.
 */
public record ManagementReply(boolean ok, String text, Object data, String error) {

    public static ManagementReply ok(String text, Object data) {
        return new ManagementReply(true, text, data, null);
    }

    public static ManagementReply error(String message) {
        return new ManagementReply(false, null, null, message);
    }

    /** The wire form: {"ok":true,"text":…,"data":…} or {"ok":false,"error":…}. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok);
        if (ok) {
            m.put("text", text);
            m.put("data", data);
        } else {
            m.put("error", error);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static ManagementReply fromJson(Map<String, Object> m) {
        if (!(m.get("ok") instanceof Boolean ok)) {
            throw new IllegalArgumentException("malformed reply (no \"ok\"): " + m);
        }
        return ok ? ok(String.valueOf(m.getOrDefault("text", "")), m.get("data"))
                : error(String.valueOf(m.getOrDefault("error", "unknown error")));
    }
}
