#!/usr/bin/env bash
# bin/dist.sh [--no-build] [OUTPUT_DIR] — a self-contained mpath4j distribution: the shaded jar, a Java
# runtime trimmed by jlink to the modules the jar needs (so target machines need no JDK), a
# launcher, the systemd unit and the docs, as OUTPUT_DIR/mpath4j-VERSION-linux-ARCH.tar.gz
# (OUTPUT_DIR defaults to dist/). See docs/distribution.md.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=bin/jdk.sh
. "$root/bin/jdk.sh"
build=1
if [ "${1:-}" = "--no-build" ]; then
    build=0   # package the jar that is there (the distribution test runs inside a Maven build)
    shift
fi
out="$(mkdir -p "${1:-$root/dist}" && cd "${1:-$root/dist}" && pwd)"
jar="$root/daemon/target/mpath.jar"
if [ "$build" = 1 ]; then
    mpath4j_require_mvn
    (cd "$root" && mvn -B -q -DskipTests -pl daemon -am package)
elif [ ! -f "$jar" ]; then
    echo "error: --no-build but $jar does not exist; build it first (mvn -pl daemon -am package)" >&2
    exit 1
fi
version="$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$root/pom.xml" | head -n 1)"
arch="$(uname -m)"
name="mpath4j-$version-linux-$arch"
stage="$out/$name"
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib" "$stage/docs" "$stage/systemd"

# The modules the jar uses, as jdeps finds them (TLS and its ciphers are in java.base), plus
# jdk.jcmd and jdk.jfr so that an administrator can still take a thread dump or a recording.
modules="$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 "$jar")"
modules="$modules,jdk.jcmd,jdk.jfr"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --output "$stage/runtime"
cp "$jar" "$stage/lib/mpath.jar"
cat > "$stage/bin/mpath" <<'LAUNCHER'
#!/bin/sh
# mpath launcher of the self-contained distribution: its own runtime, no JDK needed.
here="$(dirname "$(readlink -f "$0")")/.."
# short administration commands: C1 and the serial collector start a third faster (see ./mpath)
case "${1:-}" in
    show|fail|reinstate|add|del|switchgroup|disablequeueing|restorequeueing|set|resize|reconfigure|config|discover)
        exec "$here/runtime/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData \
            --enable-native-access=ALL-UNNAMED -jar "$here/lib/mpath.jar" "$@" ;;
esac
exec "$here/runtime/bin/java" --enable-native-access=ALL-UNNAMED -jar "$here/lib/mpath.jar" "$@"
LAUNCHER
chmod 755 "$stage/bin/mpath"
cp "$root/packaging/systemd/mpath4j.service" "$stage/systemd/"
cp "$root"/docs/*.md "$stage/docs/"
cp "$root/README.md" "$root/LICENSE" "$stage/"
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
