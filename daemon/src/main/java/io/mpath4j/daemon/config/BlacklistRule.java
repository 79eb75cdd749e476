package io.mpath4j.daemon.config;

import java.util.Objects;

/**
 * One line of {@code blacklist} or {@code blacklist_exceptions}.
 *
 * @param regex the expression; for {@link Kind#DEVICE} the vendor expression ("" = any vendor)
 * @param product for {@link Kind#DEVICE} the product expression ("" = any product), else ""
 */
public record BlacklistRule(Kind kind, String regex, String product, SourceLocation at) {

    public enum Kind {
        DEVNODE, WWID, DEVICE, PROTOCOL, PROPERTY;

        String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public BlacklistRule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(regex, "regex");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(at, "at");
    }

    /** Whether this rule matches the path; property rules never do (our paths have no udev properties). */
    boolean matches(PathFacts path) {
        return switch (kind) {
            case DEVNODE -> Regex.matches(regex, path.name());
            case WWID -> Regex.matches(regex, path.wwid());
            case PROTOCOL -> Regex.matches(regex, path.protocol());
            case DEVICE -> (regex.isEmpty() || Regex.matches(regex, path.vendor()))
                    && (product.isEmpty() || Regex.matches(product, path.product()));
            case PROPERTY -> false;
        };
    }

    @Override
    public String toString() {
        return kind == Kind.DEVICE ? "device { vendor \"" + regex + "\" product \"" + product + "\" } at " + at
                : kind.keyword() + " \"" + regex + "\" at " + at;
    }
}
