package io.mpath4j.daemon.config;

import java.util.Objects;

/**
 * A {@code device} entry of the {@code devices} section or of the built-in device table: the
 * vendor/product/revision regular expressions it matches and the settings it carries.
 *
 * @param vendor vendor regex
 * @param product product regex
 * @param revision revision regex, "" for any
 * @param productBlacklist products of this vendor never multipathed, "" for none
 * @param source where the entry comes from: a file location, or the citation of a built-in entry
 */
public record DeviceEntry(String vendor, String product, String revision, String productBlacklist,
        Attributes attributes, SourceLocation at, String source) {

    public DeviceEntry {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(productBlacklist, "productBlacklist");
        Objects.requireNonNull(attributes, "attributes");
    }

    public boolean matches(String unitVendor, String unitProduct, String unitRevision) {
        return Regex.matches(vendor, unitVendor) && Regex.matches(product, unitProduct)
                && (revision.isEmpty() || Regex.matches(revision, unitRevision));
    }

    /** Same vendor, product and revision strings: a user entry of this kind merges over a built-in one. */
    public boolean sameKey(DeviceEntry other) {
        return vendor.equals(other.vendor) && product.equals(other.product) && revision.equals(other.revision);
    }

    /** This entry with {@code upper}'s settings over its own, as multipath-tools merges duplicates. */
    public DeviceEntry mergedWith(DeviceEntry upper) {
        return new DeviceEntry(vendor, product, revision,
                upper.productBlacklist.isEmpty() ? productBlacklist : upper.productBlacklist,
                attributes.overriddenBy(upper.attributes), upper.at, source + " + " + upper.source);
    }
}
