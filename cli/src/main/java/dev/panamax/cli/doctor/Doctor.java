/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import dev.panamax.cli.host.Cgroups;
import dev.panamax.cli.host.HugePageInfo;
import dev.panamax.cli.host.Mounts;
import dev.panamax.cli.host.ProcLimits;
import dev.panamax.cli.host.ProcStatus;
import dev.panamax.cli.host.Sysctl;
import dev.panamax.ffm.Arch;
import dev.panamax.ffm.DirectIo;
import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Feature;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.Numa;
import dev.panamax.ffm.Processes;
import dev.panamax.ffm.Sched;
import dev.panamax.sync.FutexMutex;
import dev.panamax.thread.CpuList;
import dev.panamax.thread.CpuTopology;
import dev.panamax.thread.HostFileException;
import dev.panamax.thread.HostFs;
import dev.panamax.thread.NumaNodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Examines this machine for panamax: the kernel, the JDK, CPUs and their topology, NUMA, huge pages, io_uring,
 * futex2, seccomp, cgroup limits, the memlock limit and O_DIRECT. Facts from {@code /proc} and {@code /sys} come
 * through {@link HostFs} (so a fake tree can stand in), facts that need a syscall through the
 * {@code dev.panamax.ffm} bindings. Each item is examined on its own: a missing file or a refused syscall turns that
 * item into "unknown (why)" and never stops the examination.
 */
public final class Doctor {

    /** The module that needs native access; the launcher passes {@code --enable-native-access} with this name. */
    static final String BINDINGS_MODULE = "dev.panamax.ffm";

    private final HostFs fs;
    private final List<Path> directPaths;
    private final String version;

    /**
     * Creates a doctor.
     *
     * @param fs the host tree ({@link HostFs#real()} on a real machine)
     * @param directPaths the directories whose O_DIRECT support to examine
     * @param version the panamax version, printed in the report
     */
    public Doctor(HostFs fs, List<Path> directPaths, String version) {
        this.fs = Objects.requireNonNull(fs, "fs");
        this.directPaths = List.copyOf(directPaths);
        this.version = Objects.requireNonNull(version, "version");
    }

    /**
     * Examines the machine.
     *
     * @return the report, one section per subject
     */
    public Report examine() {
        List<Section> sections = new ArrayList<>();
        sections.add(kernel());
        sections.add(jdk());
        sections.add(cpus());
        sections.add(topology());
        sections.add(numa());
        sections.add(transparentHugePages());
        sections.add(hugePages());
        sections.add(ioUring());
        sections.add(futex());
        sections.add(seccomp());
        sections.add(cgroup());
        sections.add(limits());
        sections.add(directIo());
        return new Report(version, sections);
    }

    /** Computes one item; turns whatever goes wrong into an unknown item instead of failing the report. */
    @FunctionalInterface
    interface Probe {
        Item get() throws Exception;
    }

    static Item safely(String key, String label, Probe probe) {
        try {
            return probe.get();
        } catch (HostFileException e) {
            return Item.unknown(key, label, e.getMessage());
        } catch (IllegalCallerException e) {
            return new Item(key, label, Status.UNKNOWN, null, "unknown (native access denied)",
                    "native access denied: " + e.getMessage(),
                    "run java with --enable-native-access=" + BINDINGS_MODULE + " (./panamax does)");
        } catch (Exception | LinkageError e) {
            String what = e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return Item.unknown(key, label, what);
        }
    }

    // ---------------------------------------------------------------------------------------------- kernel

    Section kernel() {
        Section s = new Section("kernel", "Kernel");
        Processes.Uname uname = null;
        String unameError = null;
        try {
            uname = Processes.uname();
        } catch (ErrnoException | RuntimeException | LinkageError e) {
            unameError = "uname failed: " + e.getMessage();
        }
        if (uname != null) {
            s.add(Item.info("release", "release", uname.release(), uname.release() + " (uname)"));
            s.add(Item.info("version", "version", uname.version()));
            s.add(Item.info("machine", "machine", uname.machine()));
        } else {
            String why = unameError;
            s.add(safely("release", "release", () -> {
                String release = Sysctl.read(fs, "kernel.osrelease");
                return Item.info("release", "release", release, release + " (/proc; " + why + ")");
            }));
            s.add(safely("version", "version", () -> Item.info("version", "version",
                    Sysctl.read(fs, "kernel.version"))));
        }
        s.add(safely("arch", "architecture", () -> {
            String osArch = System.getProperty("os.arch");
            if (Arch.isSupported()) {
                return Item.ok("arch", "architecture", Arch.current().name().toLowerCase(Locale.ROOT),
                        Arch.current().name().toLowerCase(Locale.ROOT) + " (tables generated for it)");
            }
            return Item.no("arch", "architecture", osArch, osArch + " (" + System.getProperty("os.name") + ")",
                    "panamax has syscall tables for Linux x86_64 and aarch64 only",
                    "run on Linux x86_64 or aarch64");
        }));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- jdk

    Section jdk() {
        Section s = new Section("jdk", "JDK");
        Runtime.Version v = Runtime.version();
        String vendor = System.getProperty("java.vendor", "?");
        s.add(v.feature() >= 22
                ? Item.ok("version", "version", v.toString(), v + " (" + vendor + ")")
                : Item.no("version", "version", v.toString(), v + " (" + vendor + ")",
                        "the FFM API is final from JDK 22", "install JDK 22 or newer (25 recommended)"));
        s.add(Item.info("home", "java.home", System.getProperty("java.home", "")));
        s.add(safely("native_access", "native access", () -> {
            Module module = Arch.class.getModule();
            String who = module.isNamed() ? module.getName() : "the class path (ALL-UNNAMED)";
            String flag = "--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
            if (module.isNativeAccessEnabled()) {
                return Item.ok("native_access", "native access", true, "enabled for " + who);
            }
            return Item.no("native_access", "native access", false, "not enabled for " + who,
                    "without it the JDK warns on the first syscall and a future JDK will refuse it",
                    "run java with " + flag + " (./panamax does)");
        }));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- cpus

    Section cpus() {
        Section s = new Section("cpus", "CPUs");
        s.add(safely("online", "online", () -> {
            BitSet online = CpuTopology.readOnline(fs);
            return Item.info("online", "online", cpuValue(online), cpuText(online));
        }));
        int jvm = Runtime.getRuntime().availableProcessors();
        s.add(Item.info("jvm_available_processors", "JVM availableProcessors", jvm, jvm
                + " (what thread pools size themselves by)"));
        s.add(safely("affinity", "affinity (this process)", () -> {
            BitSet allowed;
            String source;
            try {
                allowed = CpuList.of(Sched.getAffinity(0).toArray());
                source = "sched_getaffinity";
            } catch (ErrnoException | RuntimeException | LinkageError e) {
                allowed = ProcStatus.read(fs).cpusAllowed().orElseThrow(() -> new HostFileException(
                        "/proc/self/status", "no Cpus_allowed_list"));
                source = "/proc/self/status; sched_getaffinity failed: " + e.getMessage();
            }
            return Item.info("affinity", "affinity (this process)", cpuValue(allowed), cpuText(allowed)
                    + " (" + source + ")");
        }));
        s.add(safely("cgroup_cpuset", "cgroup cpuset", () -> {
            Optional<Cgroups.Cpuset> cpuset = Cgroups.read(fs).cpuset();
            if (cpuset.isEmpty()) {
                return Item.info("cgroup_cpuset", "cgroup cpuset", null, "none (no cpuset controller)");
            }
            return Item.info("cgroup_cpuset", "cgroup cpuset", cpuValue(cpuset.get().cpus()),
                    cpuText(cpuset.get().cpus()) + " (" + cpuset.get().source() + ")");
        }));
        s.add(safely("isolated", "isolated (isolcpus)", () -> optionalCpus("isolated", "isolated (isolcpus)",
                "isolated")));
        s.add(safely("nohz_full", "nohz_full", () -> optionalCpus("nohz_full", "nohz_full", "nohz_full")));
        return s;
    }

    private Item optionalCpus(String key, String label, String file) throws HostFileException {
        if (!fs.exists("/sys/devices/system/cpu")) {
            throw new HostFileException("/sys/devices/system/cpu", "no such file");
        }
        if (!fs.exists("/sys/devices/system/cpu/" + file)) {
            return Item.info(key, label, null, "not offered by this kernel (no /sys/devices/system/cpu/" + file + ")");
        }
        BitSet cpus = CpuTopology.readCpuFile(fs, file);
        return Item.info(key, label, cpuValue(cpus), cpus.isEmpty() ? "none" : cpuText(cpus));
    }

    static Map<String, Object> cpuValue(BitSet cpus) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", cpus.cardinality());
        m.put("list", CpuList.format(cpus));
        return m;
    }

    static String cpuText(BitSet cpus) {
        return cpus.cardinality() + (cpus.cardinality() == 1 ? " CPU: " : " CPUs: ") + CpuList.format(cpus);
    }

    // ---------------------------------------------------------------------------------------------- topology

    Section topology() {
        Section s = new Section("topology", "CPU topology");
        CpuTopology read;
        try {
            read = CpuTopology.read(fs);
        } catch (HostFileException e) {
            s.add(Item.unknown("packages", "packages", e.getMessage()));
            s.add(Item.unknown("cores", "cores", e.getMessage()));
            s.add(Item.unknown("threads_per_core", "threads per core", e.getMessage()));
            read = null;
        }
        final CpuTopology t = read;
        if (t != null) {
            s.add(Item.info("packages", "packages", t.packages()));
            s.add(Item.info("cores", "cores", t.cores(), t.cores() + " physical cores, " + t.online().cardinality()
                    + " hardware threads"));
            s.add(Item.info("threads_per_core", "threads per core", t.maxThreadsPerCore(),
                    t.maxThreadsPerCore() + (t.maxThreadsPerCore() > 1 ? " (SMT: pin latency-critical threads to "
                            + "one sibling per core)" : " (no SMT sibling shares a core)")));
        }
        s.add(safely("smt", "SMT control", () -> {
            String control = fs.readLine("/sys/devices/system/cpu/smt/control");
            return Item.info("smt", "SMT control", control);
        }));
        s.add(safely("caches", "caches", () -> {
            BitSet cpus = t != null ? t.online() : CpuTopology.readOnline(fs);
            List<CpuTopology.Cache> caches = CpuTopology.readCaches(fs, cpus);
            List<Object> value = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (CpuTopology.Cache c : caches) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("level", c.level());
                m.put("type", c.type());
                m.put("size_bytes", c.sizeBytes());
                m.put("line_size_bytes", c.lineSizeBytes());
                m.put("instances", c.instances());
                m.put("cpus_per_instance", c.cpusPerInstance());
                value.add(m);
                text.append(text.isEmpty() ? "" : ", ").append(c.name()).append(' ')
                        .append(c.sizeBytes() >= 0 ? Units.bytes(c.sizeBytes()) : c.size())
                        .append(c.instances() > 1 ? " x" + c.instances() : "");
            }
            int line = caches.stream().mapToInt(CpuTopology.Cache::lineSizeBytes).max().orElse(-1);
            if (line > 0) {
                text.append("; line ").append(line).append(" B");
            }
            return Item.info("caches", "caches", value, caches.isEmpty() ? "none reported" : text.toString());
        }));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- numa

    Section numa() {
        Section s = new Section("numa", "NUMA");
        s.add(safely("nodes", "nodes", () -> {
            List<NumaNodes.Node> nodes = NumaNodes.read(fs);
            List<Object> value = new ArrayList<>();
            StringBuilder text = new StringBuilder().append(nodes.size()).append(nodes.size() == 1 ? " node" :
                    " nodes");
            for (NumaNodes.Node n : nodes) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", n.id());
                m.put("cpus", CpuList.format(n.cpus()));
                m.put("mem_total_bytes", n.memTotalBytes());
                m.put("mem_free_bytes", n.memFreeBytes());
                m.put("distances", List.copyOf(n.distances()));
                value.add(m);
                text.append(text.indexOf(":") < 0 ? ": " : "; ").append("node").append(n.id()).append(" cpus ")
                        .append(n.cpus().isEmpty() ? "none" : CpuList.format(n.cpus()));
                if (n.memTotalBytes() >= 0) {
                    text.append(", ").append(Units.bytes(n.memTotalBytes()));
                }
            }
            return Item.info("nodes", "nodes", value, text.toString());
        }));
        s.add(safely("memory_policy", "mbind/get_mempolicy", () -> {
            Item feature = feature("memory_policy", "mbind/get_mempolicy", Feature.NUMA,
                    "NUMA memory policy syscalls work");
            if (feature.status() != Status.OK) {
                return feature;
            }
            Numa.MemPolicy p = Numa.threadPolicy();
            return Item.ok("memory_policy", "mbind/get_mempolicy", true, "available (this thread's policy: "
                    + p.policy().name().toLowerCase(Locale.ROOT) + (p.nodes().isEmpty() ? "" : " " + p.nodes())
                    + ")");
        }));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- THP

    Section transparentHugePages() {
        Section s = new Section("transparent_huge_pages", "Transparent huge pages");
        s.add(safely("enabled", "enabled", () -> {
            HugePageInfo.Mode m = HugePageInfo.readThp(fs, "enabled");
            String text = m.selected() + " (choices: " + String.join(" ", m.choices()) + ")";
            Item feature = feature("enabled", "enabled", Feature.TRANSPARENT_HUGE_PAGES, text);
            return new Item("enabled", "enabled", feature.status(), m.selected(), feature.status() == Status.OK
                    ? text : text + ": not usable", feature.reason(), feature.fix());
        }));
        s.add(safely("defrag", "defrag", () -> {
            HugePageInfo.Mode m = HugePageInfo.readThp(fs, "defrag");
            return Item.info("defrag", "defrag", m.selected(), m.selected() + (m.selected().equals("always")
                    ? " (page faults may stall on compaction: a latency hazard)" : ""));
        }));
        s.add(safely("shmem_enabled", "shmem_enabled", () -> {
            HugePageInfo.Mode m = HugePageInfo.readThp(fs, "shmem_enabled");
            return Item.info("shmem_enabled", "shmem_enabled", m.selected());
        }));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- hugetlb

    Section hugePages() {
        Section s = new Section("huge_pages", "Huge pages (hugetlbfs)");
        s.add(safely("default_size", "default page size", () -> {
            long size = HugePageInfo.readDefaultPageSize(fs);
            return Item.info("default_size", "default page size", size, Units.bytes(size));
        }));
        s.add(safely("pools", "pools", () -> {
            List<HugePageInfo.Pool> pools = HugePageInfo.readPools(fs);
            List<Object> value = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (HugePageInfo.Pool p : pools) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("page_size_bytes", p.pageSizeBytes());
                m.put("nr_hugepages", p.total());
                m.put("free_hugepages", p.free());
                value.add(m);
                text.append(text.isEmpty() ? "" : "; ").append(Units.bytes(p.pageSizeBytes())).append(": ")
                        .append(p.total()).append(" pages, ").append(p.free()).append(" free");
            }
            String shown = pools.isEmpty() ? "no pool" : text.toString();
            Item feature = feature("pools", "pools", Feature.HUGE_PAGES, shown);
            if (feature.status() != Status.OK) {
                return new Item("pools", "pools", feature.status(), value, shown, feature.reason(), feature.fix());
            }
            return Item.ok("pools", "pools", value, text.toString());
        }));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- seccomp

    Section seccomp() {
        Section s = new Section("seccomp", "Seccomp");
        ProcStatus status;
        try {
            status = ProcStatus.read(fs);
        } catch (HostFileException e) {
            s.add(Item.unknown("mode", "mode", e.getMessage()));
            return s;
        }
        Optional<Integer> mode = status.seccompMode();
        if (mode.isEmpty()) {
            s.add(Item.info("mode", "mode", null, "not reported (kernel without CONFIG_SECCOMP)"));
        } else {
            int m = mode.get();
            s.add(Item.info("mode", "mode", ProcStatus.seccompModeName(m), ProcStatus.seccompModeName(m)
                    + (m == 2 ? " (a filter may refuse new syscalls such as io_uring_setup with EPERM or ENOSYS)"
                    : "")));
        }
        status.seccompFilters().ifPresent(n -> s.add(Item.info("filters", "filters", n)));
        status.noNewPrivs().ifPresent(n -> s.add(Item.info("no_new_privs", "no_new_privs", n == 1)));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- cgroup

    Section cgroup() {
        Section s = new Section("cgroup", "cgroup");
        Cgroups cg;
        try {
            cg = Cgroups.read(fs);
        } catch (HostFileException e) {
            s.add(Item.unknown("version", "version", e.getMessage()));
            s.add(Item.unknown("cpu_quota", "CPU quota", e.getMessage()));
            s.add(Item.unknown("memory_limit", "memory limit", e.getMessage()));
            return s;
        }
        String version = switch (cg.version()) {
            case V1 -> "v1";
            case V2 -> "v2";
            case HYBRID -> "hybrid (v1 controllers and v2)";
            case NONE -> "none";
        };
        s.add(Item.info("version", "version", cg.version().name().toLowerCase(Locale.ROOT), version
                + cg.unifiedPath().map(p -> ", unified path " + p).orElse("")));
        s.add(safely("cpu_quota", "CPU quota", () -> {
            Optional<Cgroups.CpuQuota> q = cg.cpuQuota();
            if (q.isEmpty()) {
                return Item.info("cpu_quota", "CPU quota", null, "none (no cpu controller)");
            }
            Cgroups.CpuQuota quota = q.get();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("limited", quota.limited());
            m.put("quota_us", quota.quotaUs());
            m.put("period_us", quota.periodUs());
            m.put("source", quota.source());
            if (!quota.limited()) {
                return Item.info("cpu_quota", "CPU quota", m, "unlimited (" + quota.source() + ")");
            }
            return new Item("cpu_quota", "CPU quota", Status.INFO, m, String.format(Locale.ROOT,
                    "%.2f CPUs (%d us per %d us, %s)", quota.cpus(), quota.quotaUs(), quota.periodUs(),
                    quota.source()), null, "a thread that exhausts the quota stalls until the next period; "
                    + "size thread pools to the quota, not to the CPU count");
        }));
        s.add(safely("memory_limit", "memory limit", () -> {
            Optional<Cgroups.MemoryLimit> l = cg.memoryLimit();
            if (l.isEmpty()) {
                return Item.info("memory_limit", "memory limit", null, "none (no memory controller)");
            }
            Cgroups.MemoryLimit limit = l.get();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("limited", limit.limited());
            m.put("bytes", limit.bytes());
            m.put("source", limit.source());
            return Item.info("memory_limit", "memory limit", m, (limit.limited() ? Units.bytes(limit.bytes())
                    : "unlimited") + " (" + limit.source() + ")");
        }));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- limits

    Section limits() {
        Section s = new Section("limits", "Resource limits");
        s.add(safely("memlock", "RLIMIT_MEMLOCK", () -> {
            try {
                Processes.Limit l = Processes.resourceLimit(0, Processes.Resource.MEMLOCK);
                return memlockItem(unlimitedAsMinusOne(l.soft()), unlimitedAsMinusOne(l.hard()), "prlimit");
            } catch (ErrnoException | RuntimeException | LinkageError e) {
                ProcLimits.Limit l = ProcLimits.read(fs).get("Max locked memory").orElseThrow(
                        () -> new HostFileException("/proc/self/limits", "no 'Max locked memory' line"));
                return memlockItem(l.soft(), l.hard(), "/proc/self/limits; prlimit failed: " + e.getMessage());
            }
        }));
        return s;
    }

    private static long unlimitedAsMinusOne(long limit) {
        return limit == Processes.UNLIMITED ? -1 : limit;
    }

    static Item memlockItem(long soft, long hard, String source) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("soft_bytes", soft);
        m.put("hard_bytes", hard);
        String text = "soft " + (soft < 0 ? "unlimited" : Units.bytes(soft)) + ", hard "
                + (hard < 0 ? "unlimited" : Units.bytes(hard)) + " (" + source + ")";
        if (soft < 0) {
            return Item.ok("memlock", "RLIMIT_MEMLOCK", m, text);
        }
        return new Item("memlock", "RLIMIT_MEMLOCK", Status.INFO, m, text, null,
                "mlock and io_uring registered buffers beyond this fail; raise it with 'ulimit -l unlimited' or "
                        + "LimitMEMLOCK=infinity in the systemd unit");
    }

    // ---------------------------------------------------------------------------------------------- io_uring

    Section ioUring() {
        Section s = new Section("io_uring", "io_uring");
        Feature feature = IoUringSyscalls.FEATURE;
        s.add(safely("available", "io_uring", () -> feature("available", "io_uring", feature,
                "available (a ring was created, mapped and probed)")));
        s.add(safely("ops", "supported ops", () -> {
            if (!feature.isAvailable()) {
                return Item.info("ops", "supported ops", List.of(), "none (io_uring unavailable)");
            }
            List<Integer> codes = IoUringSyscalls.probe().stream().sorted().toList();
            List<String> names = codes.stream().map(IoUringOps::name).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", codes.size());
            m.put("codes", codes);
            m.put("names", names);
            return Item.info("ops", "supported ops", m, codes.size() + " (IORING_REGISTER_PROBE): "
                    + String.join(" ", names));
        }));
        s.add(safely("io_uring_disabled", "sysctl io_uring_disabled", () -> {
            String name = "kernel.io_uring_disabled";
            if (!fs.exists("/proc/sys/kernel")) {
                throw new HostFileException("/proc/sys/kernel", "no such file");
            }
            if (!fs.exists(Sysctl.path(name))) {
                return Item.info("io_uring_disabled", "sysctl io_uring_disabled", null,
                        "not present (kernel before 6.6: io_uring cannot be switched off by sysctl)");
            }
            long v = Sysctl.readLong(fs, name);
            String meaning = switch ((int) v) {
                case 0 -> "0 (allowed for all processes)";
                case 1 -> "1 (only root and members of kernel.io_uring_group)";
                case 2 -> "2 (disabled for all processes)";
                default -> v + " (unknown value)";
            };
            return Item.info("io_uring_disabled", "sysctl io_uring_disabled", v, meaning);
        }));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- futex

    Section futex() {
        Section s = new Section("futex", "futex");
        s.add(safely("futex2", "futex2 (futex_wait/wake)", () -> feature("futex2", "futex2 (futex_wait/wake)",
                Feature.FUTEX2, "available (Linux 6.7+ syscalls)")));
        s.add(safely("futex_waitv", "futex_waitv", () -> feature("futex_waitv", "futex_waitv",
                Feature.FUTEX_WAITV, "available (wait on several futexes)")));
        s.add(safely("mutex_unlock", "FutexMutex unlock", () -> {
            Optional<String> reason = FutexMutex.releaseStoreUnavailableReason();
            if (reason.isEmpty()) {
                return Item.ok("mutex_unlock", "FutexMutex unlock", "release_store",
                        "release store; sleepers pay membarrier(PRIVATE_EXPEDITED)");
            }
            return Item.no("mutex_unlock", "FutexMutex unlock", "exchange", "exchange (slower under contention)",
                    reason.get(), "allow membarrier(2) in the seccomp profile, or run on Linux >= 4.14");
        }));
        return s;
    }

    // ---------------------------------------------------------------------------------------------- O_DIRECT

    Section directIo() {
        Section s = new Section("o_direct", "O_DIRECT");
        List<String> keys = new ArrayList<>();
        for (Path dir : directPaths) {
            Path abs = dir.toAbsolutePath().normalize();
            String key = uniqueKey(keys, "path_" + abs.toString().replaceAll("[^A-Za-z0-9]+", "_")
                    .toLowerCase(Locale.ROOT).replaceAll("^_+|_+$", ""));
            String label = abs.toString();
            s.add(safely(key, label, () -> {
                String fsType = Mounts.describe(fs, abs);
                DirectIo d;
                try {
                    d = DirectIo.probe(abs);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EROFS && e.errno() != Errno.EACCES) {
                        throw e;
                    }
                    String why = "the probe needs to create a scratch file in " + abs + " and the directory is "
                            + (e.errno() == Errno.EROFS ? "read-only (" + fsType + ")" : "not writable by this user")
                            + ": " + e.getMessage();
                    return new Item(key, label, Status.UNKNOWN, null, "unknown (" + why + ")", why,
                            "pass --path a writable directory on the same file system");
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", abs.toString());
                m.put("file_system", fsType);
                m.put("supported", d.isAvailable());
                m.put("memory_alignment_bytes", d.memoryAlignment());
                m.put("offset_alignment_bytes", d.offsetAlignment());
                if (!d.isAvailable()) {
                    return Item.no(key, label, m, "O_DIRECT not supported (" + fsType + ")",
                            d.unavailabilityCause(), "put the files on a block-device file system (ext4, xfs), "
                                    + "or open them without O_DIRECT");
                }
                return Item.ok(key, label, m, "memory alignment " + d.memoryAlignment() + " B, offset alignment "
                        + d.offsetAlignment() + " B (" + fsType + (d.isFromStatx() ? ", statx STATX_DIOALIGN"
                        : ", logical block size") + ")");
            }));
        }
        return s;
    }

    private static String uniqueKey(List<String> taken, String key) {
        String k = key.equals("path_") || key.equals("path") ? "path_root" : key;
        String candidate = k;
        for (int n = 2; taken.contains(candidate); n++) {
            candidate = k + "_" + n;
        }
        taken.add(candidate);
        return candidate;
    }

    // ---------------------------------------------------------------------------------------------- features

    /**
     * Turns a bindings {@link Feature} into an item: OK with {@code okText}, else NO with the feature's own cause
     * as the reason and the feature's own fix, which the bindings derive from the same refusal (a seccomp filter
     * gets a profile fix, a missing syscall a kernel fix), so the two never disagree.
     */
    static Item feature(String key, String label, Feature feature, String okText) {
        if (feature.isAvailable()) {
            return Item.ok(key, label, true, okText);
        }
        String cause = feature.unavailabilityCause();
        String text = feature.isSupported() ? "supported but not usable" : "not supported by this kernel";
        String fix = feature.unavailabilityFix();
        return Item.no(key, label, false, text, cause == null ? "unavailable" : cause,
                fix == null ? "see the reason" : fix);
    }
}
