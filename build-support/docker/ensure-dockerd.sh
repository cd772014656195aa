#!/usr/bin/env bash
# Makes sure a Docker daemon answers on this machine and that the base image of the container tests exists.
# Idempotent; run as root (CI: .ci/run calls it before ./build verify). Steps, each skipped when already done:
#   1. install Debian's docker.io (dockerd, containerd, runc) when there is no dockerd, and busybox-static
#      when there is no static busybox for the image (apt-get update first);
#   2. start dockerd in the background when 'docker version' gets no answer from the daemon (no systemd on the
#      CI machines): a stale pid file left by a killed dockerd or containerd is removed first, the log goes to
#      /var/log/dockerd.log, and it waits up to ~30 s for the daemon to answer. Existing networks are left alone;
#   3. build the image panamax/jdkbase:1 when it is absent: the host's glibc libraries that the JDK needs plus a
#      static busybox, about 8 MB, made with 'docker import' (no registry is reachable, nothing is pulled).
#      The tests bind-mount the JDK (java.home) and the built jars read-only into it.
# Options (environment): PANAMAX_BASE_IMAGE (default panamax/jdkbase:1), PANAMAX_REBUILD_BASE=1 rebuilds it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
image=${PANAMAX_BASE_IMAGE:-panamax/jdkbase:1}
log=/var/log/dockerd.log
pidfile=/var/run/docker.pid
containerd_pidfile=/var/run/docker/containerd/containerd.pid

say() { echo "ensure-dockerd: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (installs packages and starts dockerd)"

# ------------------------------------------------------------------------------------------------- packages
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
busybox=""
for b in /bin/busybox /usr/bin/busybox; do
    # Only a static busybox runs in the image without extra libraries.
    if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then busybox=$b; break; fi
done
[ -n "$busybox" ] || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Other jobs may hold the dpkg lock: wait for it instead of failing.
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    busybox=/bin/busybox
fi
command -v docker >/dev/null 2>&1 || die "no docker client after installing docker.io"

# ------------------------------------------------------------------------------------------------- dockerd
daemon_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

alive() {   # $1: a pid, $2: the expected command name; false for a zombie (a killed daemon not reaped yet)
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1   # pid reused by another program
    ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

stale() {   # $1: a pid file, $2: the command name; true when it names no live such process
    [ -f "$1" ] && ! alive "$(cat "$1" 2>/dev/null)" "$2"
}

if ! daemon_up; then
    if [ -f "$pidfile" ] && ! stale "$pidfile" dockerd; then
        # A dockerd is alive but does not answer yet (just started by someone else): wait for it below.
        say "dockerd (pid $(cat "$pidfile")) is running but not answering yet; waiting"
    else
        if stale "$pidfile" dockerd; then
            say "removing stale $pidfile (dockerd $(cat "$pidfile") is gone)"
            rm -f "$pidfile"
        fi
        # After a kill -9 of dockerd its containerd child may live on and hold the bolt database lock, which
        # makes the new dockerd fail with "timeout waiting for containerd to start".
        if [ -f "$containerd_pidfile" ]; then
            if stale "$containerd_pidfile" containerd; then
                rm -f "$containerd_pidfile"
            else
                orphan=$(cat "$containerd_pidfile")
                say "stopping containerd $orphan orphaned by a dead dockerd"
                kill "$orphan" 2>/dev/null || true
                for _ in $(seq 1 50); do alive "$orphan" containerd || break; sleep 0.1; done
                rm -f "$containerd_pidfile"
            fi
        fi
        grep -q ' /sys/fs/cgroup' /proc/mounts || die "no cgroup file system mounted at /sys/fs/cgroup; mount one" \
            "(mount -t cgroup2 none /sys/fs/cgroup) and run again"
        say "starting dockerd (log: $log)"
        nohup dockerd >>"$log" 2>&1 </dev/null &
    fi
    for _ in $(seq 1 300); do
        daemon_up && break
        sleep 0.1
    done
    if ! daemon_up; then
        tail -n 30 "$log" >&2 || true
        die "dockerd did not answer within 30 s (log above, full log in $log)"
    fi
fi
say "dockerd $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') is up"

# ------------------------------------------------------------------------------------------------- base image
if [ "${PANAMAX_REBUILD_BASE:-0}" != 1 ] && docker image inspect "$image" >/dev/null 2>&1; then
    say "image $image present"
    exit 0
fi

. "$here/../find-jdk.sh"
panamax_find_jdk || exit 1
[ -n "$busybox" ] || busybox=/bin/busybox
root=$(mktemp -d /tmp/panamax-jdkbase.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,tmp,opt,work,data,proc,sys,dev}
chmod 1777 "$root/tmp"
# The shared libraries outside the JDK that its launcher and libraries link (glibc, libz where not bundled...).
libs=$(for f in "$JAVA_HOME"/bin/java "$JAVA_HOME"/lib/server/libjvm.so "$JAVA_HOME"/lib/*.so; do
           ldd "$f" 2>/dev/null || true
       done | grep -oE '/[^ ]*\.so[^ ]*' | grep -v "^$JAVA_HOME" | sort -u)
[ -n "$libs" ] || die "ldd found no libraries for $JAVA_HOME/bin/java"
for l in $libs; do
    cp --parents -L "$l" "$root"
done
cp "$busybox" "$root/bin/busybox"
for cmd in sh ls cat echo sleep mount mkdir rm; do ln -s busybox "$root/bin/$cmd"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
tar -C "$root" -c . | docker import -c 'ENV PATH=/bin:/usr/bin' -m "panamax container-test base: glibc + busybox" - \
    "$image" >/dev/null
say "built $image from $JAVA_HOME's libraries: $(docker image inspect --format '{{.Size}}' "$image") bytes"
# Prove the image runs the JDK the tests will mount.
docker run --rm -v "$JAVA_HOME:/opt/jdk:ro" "$image" /opt/jdk/bin/java -version 2>&1 | head -n 1 >&2
