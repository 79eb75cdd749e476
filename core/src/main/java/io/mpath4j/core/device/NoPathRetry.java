package io.mpath4j.core.device;

/** What to do with I/O when no path is usable (multipath.conf {@code no_path_retry}). */
public sealed interface NoPathRetry {

    /** Fail I/O at once ({@code no_path_retry fail}). */
    record Fail() implements NoPathRetry {
        @Override
        public String toString() {
            return "fail";
        }
    }

    /** Queue until a path returns ({@code no_path_retry queue}), within the queue limits. */
    record Queue() implements NoPathRetry {
        @Override
        public String toString() {
            return "queue";
        }
    }

    /** Queue for {@code checks} polling intervals after the last path went away, then fail. */
    record Retries(int checks) implements NoPathRetry {
        public Retries {
            if (checks <= 0) {
                throw new IllegalArgumentException("no_path_retry count must be positive");
            }
        }

        @Override
        public String toString() {
            return Integer.toString(checks);
        }
    }

    /** Parses the multipath.conf value: fail, queue, or a positive number. */
    static NoPathRetry parse(String value) {
        return switch (value.trim()) {
            case "fail", "0" -> new Fail();
            case "queue" -> new Queue();
            default -> {
                try {
                    yield new Retries(Integer.parseInt(value.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("no_path_retry must be fail, queue or a positive number, not '" + value + "'");
                }
            }
        };
    }
}
