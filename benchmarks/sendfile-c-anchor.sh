#!/usr/bin/env bash
# The C anchor of IoNetBenchmark.sendFile: the same job written in C, so the sender's CPU per MiB can be compared
# with what the JVM senders cost on the same machine, in the same placement.
#
# Usage: benchmarks/sendfile-c-anchor.sh [REPS]      (needs gcc; REPS files sent per row, 20 by default)
#        SNDBUF=BYTES sets SO_SNDBUF on the sender's socket (default: the kernel's autotuning), for every sender.
#
# Like the JMH benchmark: a 64 MiB file read once into the page cache, a loopback TCP connection whose far end a
# sink thread of the same process drains with read(2) into a 1 MiB buffer, and a sender thread that sends the whole
# file per repetition, either with one sendfile(2) on the blocking socket (looping on short counts) or with a
# pread(2) of 64 KiB + write(2) loop. The sender's CPU is CLOCK_THREAD_CPUTIME_ID (user + system, the clock behind
# ThreadMXBean#getCurrentThreadCpuTime), read around each file. Rows for both placements of IoNetBenchmark:
# sameCpu (sender and sink pinned to the first allowed CPU) and otherCpu (sink on the second). Each row prints,
# over the second half of the repetitions (the first half warms up), the median MiB/s and the sender's CPU per MiB
# as the median file and as the mean (all CPU over all MiB, JMH's statistic: single files vary 2-3x, as the
# scheduler interleaves sender and sink), and the whole process's CPU per MiB (sender plus sink: on loopback the
# receiving half of TCP runs on either, so the sender's share moves while the sum does not).
set -euo pipefail

reps=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v gcc > /dev/null || { echo "sendfile-c-anchor: needs gcc (apt-get install gcc)" >&2; exit 1; }

cat > "$work/anchor.c" << 'EOF'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MIB (1 << 20)
#define FILE_MIB 64

static int listener;
static int sink_cpu;

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        perror("pthread_setaffinity_np");
        exit(1);
    }
}

static long ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static void *drain(void *unused) {
    pin(sink_cpu);
    int c = accept(listener, NULL, NULL);
    char *buffer = malloc(MIB);
    while (read(c, buffer, MIB) > 0) {
    }
    return unused;
}

int main(int argc, char **argv) {
    const char *path = argv[1];
    int sendfile_mode = strcmp(argv[2], "sendfile") == 0;
    int reps = atoi(argv[3]);
    int sender_cpu = atoi(argv[4]);
    sink_cpu = atoi(argv[5]);
    long size = (long) FILE_MIB * MIB;
    int file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char *chunk = malloc(MIB);
    for (int i = 0; i < MIB; i++) {
        chunk[i] = (char) (i * 31 + 7);
    }
    for (int m = 0; m < FILE_MIB; m++) {
        if (write(file, chunk, MIB) != MIB) {
            perror("write");
            return 1;
        }
    }
    for (long at = 0; pread(file, chunk, MIB, at) > 0; at += MIB) {
    }
    pin(sender_cpu);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr *) &address, length) || listen(listener, 1)
            || getsockname(listener, (struct sockaddr *) &address, &length)) {
        perror("listen");
        return 1;
    }
    pthread_t sink;
    pthread_create(&sink, NULL, drain, NULL);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (getenv("SNDBUF") != NULL) {
        int bytes = atoi(getenv("SNDBUF"));
        if (setsockopt(s, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes)) {
            perror("SO_SNDBUF");
            return 1;
        }
    }
    if (connect(s, (struct sockaddr *) &address, length)) {
        perror("connect");
        return 1;
    }
    char *buffer = aligned_alloc(4096, 64 * 1024);
    int kept = reps - reps / 2;
    double *mibs = calloc(kept, sizeof(double)), *cpus = calloc(kept, sizeof(double)), cpu_sum = 0, process_sum = 0;
    for (int r = 0; r < reps; r++) {
        long cpu0 = ns(CLOCK_THREAD_CPUTIME_ID), wall0 = ns(CLOCK_MONOTONIC), process0 = ns(CLOCK_PROCESS_CPUTIME_ID);
        long done = 0;
        while (done < size) {
            if (sendfile_mode) {
                off_t offset = done;
                ssize_t n = sendfile(s, file, &offset, size - done);
                if (n <= 0) {
                    perror("sendfile");
                    return 1;
                }
                done += n;
            } else {
                ssize_t n = pread(file, buffer, 64 * 1024, done);
                for (ssize_t w = 0; w < n;) {
                    ssize_t k = write(s, buffer + w, n - w);
                    if (k < 0) {
                        perror("write");
                        return 1;
                    }
                    w += k;
                }
                done += n;
            }
        }
        long cpu1 = ns(CLOCK_THREAD_CPUTIME_ID), wall1 = ns(CLOCK_MONOTONIC), process1 = ns(CLOCK_PROCESS_CPUTIME_ID);
        if (r >= reps / 2) {
            mibs[r - reps / 2] = FILE_MIB * 1e9 / (wall1 - wall0);
            cpus[r - reps / 2] = (cpu1 - cpu0) / 1000.0 / FILE_MIB;
            cpu_sum += cpus[r - reps / 2];
            process_sum += (process1 - process0) / 1000.0 / FILE_MIB;
        }
    }
    qsort(mibs, kept, sizeof(double), by_value);
    qsort(cpus, kept, sizeof(double), by_value);
    printf("%.0f %.0f %.0f %.0f\n", mibs[kept / 2], cpus[kept / 2], cpu_sum / kept, process_sum / kept);
    return 0;
}
EOF
gcc -O2 -pthread -o "$work/anchor" "$work/anchor.c"

mapfile -t cpus < <(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' | while IFS=- read -r lo hi; do seq "$lo" "${hi:-$lo}"; done)
printf '%-9s %-9s %8s %14s %12s %14s\n' placement sender 'MiB/s' 'cpu us/MiB' 'mean us/MiB' 'process us/MiB'
for placement in sameCpu otherCpu; do
    sink=${cpus[0]}
    if [[ $placement == otherCpu ]]; then
        (( ${#cpus[@]} > 1 )) || { echo "otherCpu needs two allowed CPUs" >&2; continue; }
        sink=${cpus[1]}
    fi
    for sender in sendfile readWrite; do
        read -r mibs cpu mean process < <("$work/anchor" "$work/payload" "$sender" "$reps" "${cpus[0]}" "$sink")
        printf '%-9s %-9s %8s %14s %12s %14s\n' "$placement" "$sender" "$mibs" "$cpu" "$mean" "$process"
    done
done
