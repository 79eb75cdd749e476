package io.mpath4j.iscsi.login;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The CHAP_* keys of one message, read the same way by {@link ChapInitiator} and {@link ChapTarget}. */
final class ChapKeys {

    private ChapKeys() {}

    /** The CHAP_* pairs by key; a key sent twice is an error. */
    static Map<String, String> of(List<KeyValue> pairs) throws ChapException {
        Map<String, String> m = new HashMap<>();
        for (KeyValue kv : pairs) {
            if (kv.key().startsWith("CHAP_") && m.put(kv.key(), kv.value()) != null) {
                throw new ChapException(kv.key() + " sent twice");
            }
        }
        return m;
    }

    static long number(String key, String value, long min, long max) throws ChapException {
        try {
            return TextValues.number(key, value, min, max);
        } catch (NegotiationException e) {
            throw new ChapException(e.getMessage());
        }
    }

    static byte[] binary(String key, String value) throws ChapException {
        try {
            return TextValues.binary(key, value);
        } catch (NegotiationException e) {
            throw new ChapException(e.getMessage());
        }
    }
}
