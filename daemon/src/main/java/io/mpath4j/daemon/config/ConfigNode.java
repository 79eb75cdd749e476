package io.mpath4j.daemon.config;

import java.util.List;

/**
 * The syntax tree of a multipath.conf-style file: sections ({@code name {} … {@code }}) holding
 * entries ({@code keyword value}) and further sections. Nothing here knows what a keyword means.
 */
public sealed interface ConfigNode {

    SourceLocation at();

    /** {@code name {} … {@code }}, opened at {@code at}. */
    record Section(String name, SourceLocation at, List<ConfigNode> children) implements ConfigNode {
        public Section {
            children = List.copyOf(children);
        }

        public List<Entry> entries() {
            return children.stream().filter(Entry.class::isInstance).map(Entry.class::cast).toList();
        }

        public List<Section> sections() {
            return children.stream().filter(Section.class::isInstance).map(Section.class::cast).toList();
        }
    }

    /**
     * {@code keyword value}; the value is the text inside the quotes for a quoted value, else the one
     * word after the keyword. {@code valueAt} points at the value, for messages about it.
     */
    record Entry(String keyword, String value, SourceLocation at, SourceLocation valueAt) implements ConfigNode {
    }
}
