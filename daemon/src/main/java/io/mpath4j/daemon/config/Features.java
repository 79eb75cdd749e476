package io.mpath4j.daemon.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The dm-multipath {@code features} string: a count, then that many words, e.g.
 * {@code "1 queue_if_no_path"} or {@code "2 pg_init_retries 50"}. Only queue_if_no_path changes
 * what mpath4j does; the kernel-only features are kept in {@link #ignored} for a warning.
 */
public record Features(boolean queueIfNoPath, List<String> ignored) {

    public Features {
        ignored = List.copyOf(ignored);
    }

    /** @throws IllegalArgumentException when the count is wrong or a word is not a dm-multipath feature */
    public static Features parse(String value) {
        String[] words = value.strip().split("\\s+");
        int count;
        try {
            count = Integer.parseInt(words[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("features must start with the number of words that follow, e.g. \"1 queue_if_no_path\", not \""
                    + value + "\"");
        }
        List<String> rest = Arrays.asList(words).subList(1, words.length);
        if (count != rest.size()) {
            throw new IllegalArgumentException("features \"" + value + "\" announces " + count + " words but has "
                    + rest.size());
        }
        boolean queue = false;
        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            String w = rest.get(i);
            switch (w) {
                case "queue_if_no_path" -> queue = true;
                case "retain_attached_hw_handler", "no_partitions" -> ignored.add(w);
                case "pg_init_retries", "pg_init_delay_msecs", "queue_mode" -> {
                    if (i + 1 >= rest.size()) {
                        throw new IllegalArgumentException("features \"" + value + "\": " + w + " needs a value");
                    }
                    ignored.add(w + " " + rest.get(++i));
                }
                default -> throw new IllegalArgumentException("features \"" + value + "\": unknown feature \"" + w
                        + "\" (dm-multipath knows queue_if_no_path, pg_init_retries, pg_init_delay_msecs, retain_attached_hw_handler, queue_mode)");
            }
        }
        return new Features(queue, ignored);
    }
}
