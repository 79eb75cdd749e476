# shellcheck shell=bash
# bin/jdk.sh — find a JDK 25+ for mpath4j; sourced by ./mpath, ./run-tests and .ci/run.
#
# The default `java` on our machines is 17, and the build (release 25) and the
# runtime (FFM, virtual threads) need 25, so every entry point sources this file
# instead of trusting PATH. Search order:
#   1. $JAVA_HOME, if it is a JDK (bin/java and bin/javac) whose major version is >= 25;
#   2. $MPATH4J_JVM_DIR/*25* (MPATH4J_JVM_DIR defaults to /usr/lib/jvm), e.g. temurin-25-jdk-amd64;
#   3. any other $MPATH4J_JVM_DIR/* whose major version is >= 25 (JDK 26, 27, ... later).
# On success it exports JAVA_HOME and puts $JAVA_HOME/bin first on PATH.
# On failure it explains on stderr and returns 1 (or exits 1 when executed).
#
# MPATH4J_JVM_DIR exists so that tests can point the search at a fake directory.
#
# Run directly (`bash bin/jdk.sh`) it prints the JAVA_HOME it would use.
#
# It does not `set -euo pipefail` itself when sourced, because that would change
# the options of the caller's shell; it is written to be correct under them.

# Print the major version of the java launcher at $1/bin/java, or nothing.
# `java -version` prints e.g.  openjdk version "25.0.1" 2025-10-21  (or "1.8.0_412"
# for old JDKs, major 8) on stderr, possibly after "Picked up JAVA_TOOL_OPTIONS" lines.
mpath4j_java_major() {
    local out ver major
    out="$("$1/bin/java" -version 2>&1)" || return 0
    # first matching line only, done inside sed (no `| head`, which could SIGPIPE under pipefail)
    ver="$(printf '%s\n' "$out" | sed -n '/ version "/{s/^.* version "\([^"]*\)".*$/\1/p;q;}')"
    major="${ver%%[.+-]*}"
    if [ "$major" = "1" ]; then
        # pre-9 scheme "1.8.0_412": the major is the second field
        major="$(printf '%s' "$ver" | cut -d. -f2)"
    fi
    case "$major" in
        ''|*[!0-9]*) return 0 ;;   # unparseable: treat as unusable
    esac
    printf '%s\n' "$major"
}

# True if $1 is a JDK (java and javac: we compile, a JRE is not enough) of major >= 25.
mpath4j_is_jdk25() {
    local major
    [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
    major="$(mpath4j_java_major "$1")"
    [ -n "$major" ] && [ "$major" -ge 25 ]
}

# Print the directory of a usable JDK, or return 1.
mpath4j_find_jdk() {
    local dir="${MPATH4J_JVM_DIR:-/usr/lib/jvm}" candidate
    if [ -n "${JAVA_HOME:-}" ] && mpath4j_is_jdk25 "$JAVA_HOME"; then
        printf '%s\n' "$JAVA_HOME"
        return 0
    fi
    # *25* first (the JDK we know about), then anything else for future JDKs.
    # The glob is sorted; an unmatched glob stays literal and fails the -x test.
    for candidate in "$dir"/*25* "$dir"/*; do
        if mpath4j_is_jdk25 "$candidate"; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

# Fail with a message a newcomer can act on.
mpath4j_no_jdk_message() {
    local dir="${MPATH4J_JVM_DIR:-/usr/lib/jvm}"
    {
        echo "error: mpath4j needs a JDK 25 or newer (for example Eclipse Temurin 25), and none was found."
        echo "  looked at: JAVA_HOME=${JAVA_HOME:-(not set)}$( [ -n "${JAVA_HOME:-}" ] && echo " (not a JDK 25+: needs bin/java and bin/javac, major >= 25)")"
        echo "             $dir/*25* and every other JDK under $dir/"
        echo "  fix: install a JDK 25 and either put it under $dir/ or point JAVA_HOME at it, e.g."
        echo "       export JAVA_HOME=/path/to/jdk-25"
    } >&2
}

# Maven is needed by ./mpath (first build) and ./run-tests; say how to get it.
mpath4j_require_mvn() {
    if ! command -v mvn >/dev/null 2>&1; then
        {
            echo "error: Maven (mvn) is not installed; mpath4j builds with Maven 3.8+."
            echo "  fix (Debian/Ubuntu, as root): apt-get install maven"
        } >&2
        return 1
    fi
}

if mpath4j_jdk="$(mpath4j_find_jdk)"; then
    export JAVA_HOME="$mpath4j_jdk"
    export PATH="$JAVA_HOME/bin:$PATH"
    # Maven 3.8's bundled Guava calls sun.misc.Unsafe, which JDK 25 warns about on every run.
    # Set here rather than in .mvn/jvm.config so that a plain `mvn` on Java 17 still reaches
    # the enforcer's clear "needs JDK 25" message instead of "Unrecognized option".
    case " ${MAVEN_OPTS:-} " in
        *sun-misc-unsafe-memory-access*) ;;
        *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
    unset mpath4j_jdk
    # executed rather than sourced: report what was found
    if [ "${BASH_SOURCE[0]}" = "$0" ]; then
        printf '%s\n' "$JAVA_HOME"
    fi
else
    unset mpath4j_jdk
    mpath4j_no_jdk_message
    # `return` when sourced (so an interactive shell that sourced us survives), `exit` otherwise
    # shellcheck disable=SC2317  # reached when executed, not sourced
    return 1 2>/dev/null || exit 1
fi
