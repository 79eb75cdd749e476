package io.mpath4j.daemon.config;

/** Where a setting sits in multipath-tools' order of precedence, lowest first. */
public enum Layer {
    BUILTIN_DEFAULTS, DEFAULTS, HWTABLE, DEVICES, OVERRIDES, MULTIPATHS
}
