#!/usr/bin/env bash
# Sourced by ./build and ./panamax. Exports JAVA_HOME pointing at a JDK >= 22:
# $JAVA_HOME when it qualifies, else the newest JDK under /usr/lib/jvm (or $PANAMAX_JVM_DIR).
# Stops with one line saying what to install when there is none.

panamax_jdk_feature() {   # prints the feature release of the JDK at $1, or nothing
    local home=$1 line
    [ -x "$home/bin/javac" ] || return 0
    if [ -f "$home/release" ]; then
        line=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
        [ -n "$line" ] && { echo "$line"; return 0; }
    fi
    "$home/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

panamax_find_jdk() {
    local min=22 best="" best_v=0 v d
    if [ -n "${JAVA_HOME:-}" ]; then
        v=$(panamax_jdk_feature "$JAVA_HOME")
        if [ -n "$v" ] && [ "$v" -ge "$min" ]; then return 0; fi
    fi
    for d in "${PANAMAX_JVM_DIR:-/usr/lib/jvm}"/*; do
        [ -L "$d" ] && continue
        v=$(panamax_jdk_feature "$d")
        if [ -n "$v" ] && [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
    done
    if [ -z "$best" ]; then
        echo "panamax: no JDK >= $min found (JAVA_HOME=${JAVA_HOME:-unset}, searched ${PANAMAX_JVM_DIR:-/usr/lib/jvm}); install one, e.g. 'apt-get install openjdk-25-jdk-headless' (Debian trixie) or Temurin 25, or set JAVA_HOME to it." >&2
        return 1
    fi
    export JAVA_HOME=$best
}
