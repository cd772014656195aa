#!/usr/bin/env bash
# The C anchor of the WRITE rung's target (LadderBenchmark.append, WRITE: DurableLog >= FileChannel.write): what a
# framed log costs against raw appends when both are written in C, with nothing of the JVM in the way.
#
# Usage: benchmarks/ladder-write-c-anchor.sh [DIR] [ROUNDS]   (needs gcc; DIR on the disk to measure, by default
#        target/ladder-write-c in the checkout; ROUNDS per mode, 5 by default)
#
# One thread writes 512 MiB of 8,192-byte payloads per round, three ways, the modes alternating round by round:
#   raw          write(2) of the 8,192 bytes at the end of a new, growing file opened O_APPEND: the syscall
#                FileChannel.write makes for the fileChannel and fileChannelHeap peers;
#   framed       what DurableLog does at WRITE for each record, less the checksum: copy a 20-byte header and the
#                payload into a staging buffer, one pwrite(2) per record into 64 MiB segments preallocated with
#                fallocate(2), each write continued in zeros to the end of a page no earlier write touched
#                (DurableLog's page padding). The CRC32C is left out, so this is the best any framed log could
#                do: the JVM's intrinsic adds 82-113 ns per 8 KiB here, a plain C loop of crc32 instructions
#                about ten times that;
#   framedNoPad  the same without the padding: each 8,212-byte record starts a page partway.
# It prints ns per record for every round, then the medians and framed/raw. Rounds start from fresh files,
# deleted afterwards, and a sync(2) outside the timed part keeps one round's write-back out of the next.
set -euo pipefail

here=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$here/target/ladder-write-c}
rounds=${2:-5}
command -v gcc > /dev/null || { echo "ladder-write-c-anchor: needs gcc (apt-get install gcc)" >&2; exit 1; }
mkdir -p "$dir"
fs=$(stat -f -c %T "$dir" 2>/dev/null || echo unknown)
case $fs in tmpfs|ramfs) echo "warning: $dir is on $fs, not a disk" >&2 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/anchor.c" << 'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAYLOAD 8192
#define HEADER 20
#define PAGE 4096
#define SEGMENT (64L << 20)
#define TOTAL (512L << 20)
#define SEGMENTS ((int) (TOTAL / SEGMENT + 1))

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void check(int ok, const char *what) {
    if (!ok) {
        perror(what);
        exit(1);
    }
}

int main(int argc, char **argv) {
    const char *dir = argv[1], *mode = argv[2];
    int raw = strncmp(mode, "raw", 3) == 0, copy = strcmp(mode, "rawCopy") == 0;
    int pad = strcmp(mode, "framed") == 0 || strcmp(mode, "framedGather") == 0, gather = strcmp(mode, "framedGather") == 0;
    unsigned char *payload = malloc(PAYLOAD);
    for (int i = 0; i < PAYLOAD; i++) {
        payload[i] = (unsigned char) (i * 31 + 7);
    }
    unsigned char *staging = aligned_alloc(PAGE, 4 * PAGE + HEADER + PAYLOAD);
    memset(staging, 0, 4 * PAGE + HEADER + PAYLOAD);
    unsigned char *zeros = calloc(1, PAGE);
    char path[4096];
    int fds[SEGMENTS];
    for (int s = 0; s < (raw ? 1 : SEGMENTS); s++) {
        snprintf(path, sizeof path, "%s/%s-%d", dir, mode, s);
        fds[s] = open(path, O_CREAT | O_TRUNC | O_RDWR | (raw ? O_APPEND : 0), 0644);
        check(fds[s] >= 0, "open");
        if (!raw) {
            check(fallocate(fds[s], 0, 0, SEGMENT) == 0, "fallocate");
        }
    }
    sync();
    long records = 0;
    double t0 = now();
    if (raw) {
        for (long at = 0; at < TOTAL; at += PAYLOAD, records++) {
            if (copy) {
                memcpy(staging, payload, PAYLOAD);
            }
            check(write(fds[0], copy ? staging : payload, PAYLOAD) == PAYLOAD, "write");
        }
    } else {
        int s = 0;
        long at = 0, touched = 0; /* at: where the next record goes; touched: end of what earlier writes covered */
        for (long done = 0; done < TOTAL; done += PAYLOAD, records++) {
            if (at + HEADER + PAYLOAD > SEGMENT) {
                s++;
                at = 0;
                touched = 0;
            }
            long base = at & ~(long) (PAGE - 1); /* the staging buffer mirrors the file from base's page on */
            long off = at - base;
            uint32_t length = PAYLOAD, crc = 0, magic = 0x43455250; /* no checksum: see the header comment */
            uint64_t sequence = (uint64_t) records;
            memcpy(staging + off, &magic, 4);
            memcpy(staging + off + 4, &length, 4);
            memcpy(staging + off + 8, &crc, 4);
            memcpy(staging + off + 12, &sequence, 8);
            long end = at + HEADER + PAYLOAD, writeEnd = end;
            long pageEnd = (end + PAGE - 1) & ~(long) (PAGE - 1);
            if (pad && pageEnd > ((touched + PAGE - 1) & ~(long) (PAGE - 1))) {
                writeEnd = pageEnd < SEGMENT ? pageEnd : SEGMENT;
            }
            if (gather) {
                struct iovec v[3] = {{staging + off, HEADER}, {payload, PAYLOAD}, {zeros, writeEnd - end}};
                check(pwritev(fds[s], v, 3, at) == writeEnd - at, "pwritev");
            } else {
                memcpy(staging + off + HEADER, payload, PAYLOAD);
                memset(staging + (end - base), 0, writeEnd - end);
                check(pwrite(fds[s], staging + off, writeEnd - at, at) == writeEnd - at, "pwrite");
            }
            touched = writeEnd > touched ? writeEnd : touched;
            if (!gather) { /* the partial last page stays staged at the front, as DurableLog carries it on */
                long tail = end & ~(long) (PAGE - 1);
                memmove(staging, staging + (tail - base), end - tail);
            }
            at = end;
        }
    }
    double t1 = now();
    for (int s = 0; s < (raw ? 1 : SEGMENTS); s++) {
        close(fds[s]);
        snprintf(path, sizeof path, "%s/%s-%d", dir, mode, s);
        unlink(path);
    }
    sync();
    printf("%.0f\n", (t1 - t0) / records);
    return 0;
}
EOF
gcc -O2 -o "$work/anchor" "$work/anchor.c"

modes=(raw rawCopy framed framedNoPad framedGather)
declare -A results
for ((r = 1; r <= rounds; r++)); do
    line="round $r:"
    for m in "${modes[@]}"; do
        ns=$("$work/anchor" "$dir" "$m")
        results[$m]+="$ns "
        line+=" $m $ns ns"
    done
    echo "$line"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
raw=$(median <<< "${results[raw]}")
printf '%-12s %10s %16s\n' mode 'ns/record' 'records/s : raw'
for m in "${modes[@]}"; do
    med=$(median <<< "${results[$m]}")
    printf '%-12s %10s %16s\n' "$m" "$med" "$(awk -v a="$raw" -v b="$med" 'BEGIN {printf "%.2f", a / b}')"
done
