/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import dev.panamax.thread.CpuTopology;
import dev.panamax.thread.HostFs;
import dev.panamax.thread.HostFileException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This process's cgroups, v1 and v2, and the CPU quota, memory limit and cpuset they impose. Membership comes from
 * {@code /proc/self/cgroup}, mount points from {@code /proc/self/mountinfo}; for each controller the v1 hierarchy
 * wins when one is mounted (hybrid hosts), else the unified v2 hierarchy is used. Limits are inherited, so each is
 * read from this process's cgroup up to the root of its hierarchy and the tightest one is reported together with
 * the file that sets it.
 *
 * @see <a href="https://docs.kernel.org/admin-guide/cgroup-v2.html">Control Group v2</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/cgroups.7.html">cgroups(7)</a>
 */
public final class Cgroups {

    static final String CGROUP_PATH = "/proc/self/cgroup";
    static final String MOUNTINFO_PATH = "/proc/self/mountinfo";

    /** v1 prints "unlimited" as LONG_MAX rounded down to a page; anything this large is no limit. */
    static final long V1_UNLIMITED_THRESHOLD = 1L << 62;

    /** Which cgroup hierarchies this process belongs to. */
    public enum Version {
        /** Only v1 hierarchies. */
        V1,
        /** Only the unified v2 hierarchy. */
        V2,
        /** v1 controllers plus a v2 hierarchy (systemd's hybrid layout). */
        HYBRID,
        /** No cgroup membership listed (kernel without cgroups). */
        NONE
    }

    /**
     * One line of {@code /proc/self/cgroup}.
     *
     * @param hierarchyId the hierarchy number (0 for v2)
     * @param controllers the v1 controllers of the hierarchy (empty for v2)
     * @param path the cgroup's path relative to the hierarchy's root
     */
    public record Membership(int hierarchyId, List<String> controllers, String path) {

        /**
         * Creates a membership; the controllers are copied.
         *
         * @param hierarchyId the hierarchy number
         * @param controllers the controllers
         * @param path the path
         */
        public Membership {
            controllers = List.copyOf(controllers);
        }
    }

    /**
     * One cgroup file system mount from {@code /proc/self/mountinfo}.
     *
     * @param root the cgroup path mounted (field 4)
     * @param mountPoint where it is mounted (field 5)
     * @param fsType {@code cgroup} or {@code cgroup2}
     * @param superOptions the super block options, which name the v1 controllers
     */
    public record Mount(String root, String mountPoint, String fsType, Set<String> superOptions) {

        /**
         * Creates a mount; the options are copied.
         *
         * @param root the cgroup path mounted
         * @param mountPoint where it is mounted
         * @param fsType the file system type
         * @param superOptions the super block options
         */
        public Mount {
            superOptions = Set.copyOf(superOptions);
        }
    }

    /**
     * A CPU bandwidth limit.
     *
     * @param quotaUs the runtime allowed per period in microseconds, or -1 for no limit
     * @param periodUs the period in microseconds
     * @param source the file that sets it ({@code cpu.max} or {@code cpu.cfs_quota_us}), or the file read when
     *        there is no limit
     * @param version 1 or 2
     */
    public record CpuQuota(long quotaUs, long periodUs, String source, int version) {

        /**
         * Tells whether a limit is set.
         *
         * @return true when the quota is not {@code max}/-1
         */
        public boolean limited() {
            return quotaUs >= 0;
        }

        /**
         * Returns the limit in CPUs: quota divided by period.
         *
         * @return CPUs, or {@link Double#POSITIVE_INFINITY} when unlimited
         */
        public double cpus() {
            return limited() && periodUs > 0 ? (double) quotaUs / periodUs : Double.POSITIVE_INFINITY;
        }
    }

    /**
     * A memory limit.
     *
     * @param bytes the limit, or -1 for no limit
     * @param source the file that sets it, or the file read when there is no limit
     * @param version 1 or 2
     */
    public record MemoryLimit(long bytes, String source, int version) {

        /**
         * Tells whether a limit is set.
         *
         * @return true when not {@code max}
         */
        public boolean limited() {
            return bytes >= 0;
        }
    }

    /**
     * The CPUs of this process's cpuset.
     *
     * @param cpus the effective CPUs
     * @param source the file read
     * @param version 1 or 2
     */
    public record Cpuset(BitSet cpus, String source, int version) {

        /**
         * Creates a cpuset; the CPU set is copied.
         *
         * @param cpus the CPUs
         * @param source the file read
         * @param version 1 or 2
         */
        public Cpuset {
            cpus = (BitSet) cpus.clone();
        }

        @Override
        public BitSet cpus() {
            return (BitSet) cpus.clone();
        }
    }

    private final HostFs fs;
    private final List<Membership> memberships;
    private final List<Mount> mounts;

    private Cgroups(HostFs fs, List<Membership> memberships, List<Mount> mounts) {
        this.fs = fs;
        this.memberships = List.copyOf(memberships);
        this.mounts = List.copyOf(mounts);
    }

    /**
     * Reads {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}.
     *
     * @param fs the host tree
     * @return this process's cgroups
     * @throws HostFileException when either file cannot be read or parsed
     */
    public static Cgroups read(HostFs fs) throws HostFileException {
        List<Membership> memberships = new ArrayList<>();
        for (String line : fs.lines(CGROUP_PATH)) {
            if (line.isBlank()) {
                continue;
            }
            // hierarchy-ID:controller-list:cgroup-path; the path may itself contain ':'
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (second < 0) {
                throw new HostFileException(CGROUP_PATH, "malformed line '" + line + "'");
            }
            int id;
            try {
                id = Integer.parseInt(line.substring(0, first));
            } catch (NumberFormatException e) {
                throw new HostFileException(CGROUP_PATH, "malformed line '" + line + "'");
            }
            String list = line.substring(first + 1, second);
            List<String> controllers = list.isEmpty() ? List.of() : List.of(list.split(","));
            memberships.add(new Membership(id, controllers, line.substring(second + 1)));
        }
        List<Mount> mounts = new ArrayList<>();
        for (String line : fs.lines(MOUNTINFO_PATH)) {
            // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
            String[] f = line.trim().split(" ");
            int dash = List.of(f).indexOf("-");
            if (dash < 6 || dash + 3 >= f.length) {
                continue;
            }
            String type = f[dash + 1];
            if (type.equals("cgroup") || type.equals("cgroup2")) {
                mounts.add(new Mount(unescape(f[3]), unescape(f[4]), type, Set.of(f[dash + 3].split(","))));
            }
        }
        return new Cgroups(fs, memberships, mounts);
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Returns the lines of {@code /proc/self/cgroup}.
     *
     * @return the memberships in file order
     */
    public List<Membership> memberships() {
        return memberships;
    }

    /**
     * Returns the cgroup mounts of {@code /proc/self/mountinfo}.
     *
     * @return the mounts in file order
     */
    public List<Mount> mounts() {
        return mounts;
    }

    /**
     * Tells which hierarchies this process belongs to.
     *
     * @return v1, v2, hybrid or none
     */
    public Version version() {
        boolean v1 = memberships.stream().anyMatch(m -> m.hierarchyId() != 0);
        boolean v2 = memberships.stream().anyMatch(m -> m.hierarchyId() == 0);
        if (v1 && v2) {
            return Version.HYBRID;
        }
        return v1 ? Version.V1 : v2 ? Version.V2 : Version.NONE;
    }

    /**
     * Returns this process's path in the unified hierarchy.
     *
     * @return the path, such as {@code /user.slice/session-1.scope}, or empty without v2 membership
     */
    public Optional<String> unifiedPath() {
        return memberships.stream().filter(m -> m.hierarchyId() == 0).map(Membership::path).findFirst();
    }

    /**
     * Reads the CPU bandwidth limit: {@code cpu.max} (v2) or {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}
     * (v1), the tightest along the path to the root.
     *
     * @return the limit, or empty when no hierarchy carries the {@code cpu} controller
     * @throws HostFileException when a limit file exists but cannot be read or parsed
     */
    public Optional<CpuQuota> cpuQuota() throws HostFileException {
        Optional<Hierarchy> h = hierarchy("cpu");
        if (h.isEmpty()) {
            return Optional.empty();
        }
        CpuQuota best = null;
        String firstRead = null;
        for (String dir : h.get().dirsUpToRoot()) {
            CpuQuota q;
            if (h.get().version == 2) {
                String path = dir + "/cpu.max";
                if (!fs.exists(path)) {
                    continue;
                }
                q = parseCpuMax(path, fs.readLine(path));
            } else {
                String quotaPath = dir + "/cpu.cfs_quota_us";
                if (!fs.exists(quotaPath)) {
                    continue;
                }
                q = new CpuQuota(fs.readLong(quotaPath), fs.readLong(dir + "/cpu.cfs_period_us"), quotaPath, 1);
                if (q.quotaUs() < 0) {
                    q = new CpuQuota(-1, q.periodUs(), quotaPath, 1);
                }
            }
            firstRead = firstRead == null ? q.source() : firstRead;
            if (q.limited() && (best == null || q.cpus() < best.cpus())) {
                best = q;
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        String source = firstRead != null ? firstRead : h.get().dir + (h.get().version == 2 ? "/cpu.max" : "");
        return Optional.of(new CpuQuota(-1, 100_000, source, h.get().version));
    }

    static CpuQuota parseCpuMax(String path, String line) throws HostFileException {
        // "$MAX $PERIOD": "max 100000" or "50000 100000"
        String[] f = line.trim().split("\\s+");
        try {
            long period = f.length > 1 ? Long.parseLong(f[1]) : 100_000;
            long quota = f[0].equals("max") ? -1 : Long.parseLong(f[0]);
            if (period <= 0) {
                throw new HostFileException(path, "non-positive period in '" + line + "'");
            }
            return new CpuQuota(quota, period, path, 2);
        } catch (NumberFormatException e) {
            throw new HostFileException(path, "expected 'max PERIOD' or 'QUOTA PERIOD', found '" + line + "'");
        }
    }

    /**
     * Reads the memory limit: {@code memory.max} (v2) or {@code memory.limit_in_bytes} (v1), the tightest along
     * the path to the root.
     *
     * @return the limit, or empty when no hierarchy carries the {@code memory} controller
     * @throws HostFileException when a limit file exists but cannot be read or parsed
     */
    public Optional<MemoryLimit> memoryLimit() throws HostFileException {
        Optional<Hierarchy> h = hierarchy("memory");
        if (h.isEmpty()) {
            return Optional.empty();
        }
        int version = h.get().version;
        String file = version == 2 ? "/memory.max" : "/memory.limit_in_bytes";
        MemoryLimit best = null;
        String firstRead = null;
        for (String dir : h.get().dirsUpToRoot()) {
            String path = dir + file;
            if (!fs.exists(path)) {
                continue;
            }
            firstRead = firstRead == null ? path : firstRead;
            String line = fs.readLine(path);
            long bytes;
            if (line.equals("max")) {
                bytes = -1;
            } else {
                try {
                    bytes = Long.parseLong(line);
                } catch (NumberFormatException e) {
                    throw new HostFileException(path, "expected 'max' or a byte count, found '" + line + "'");
                }
                if (bytes >= V1_UNLIMITED_THRESHOLD) {
                    bytes = -1;
                }
            }
            if (bytes >= 0 && (best == null || bytes < best.bytes())) {
                best = new MemoryLimit(bytes, path, version);
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        return Optional.of(new MemoryLimit(-1, firstRead != null ? firstRead : h.get().dir + file, version));
    }

    /**
     * Reads this process's cpuset: {@code cpuset.cpus.effective} (v2) or {@code cpuset.effective_cpus} (v1,
     * falling back to {@code cpuset.cpus}).
     *
     * @return the cpuset, or empty when no hierarchy carries the {@code cpuset} controller or its files are absent
     * @throws HostFileException when a cpuset file exists but cannot be read or parsed
     */
    public Optional<Cpuset> cpuset() throws HostFileException {
        Optional<Hierarchy> h = hierarchy("cpuset");
        if (h.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = h.get().version == 2
                ? List.of("cpuset.cpus.effective")
                : List.of("cpuset.effective_cpus", "cpuset.cpus");
        for (String dir : h.get().dirsUpToRoot()) {
            for (String name : names) {
                String path = dir + "/" + name;
                if (fs.exists(path)) {
                    String line = fs.readLine(path);
                    if (!line.isEmpty()) {
                        return Optional.of(new Cpuset(CpuTopology.parseList(path, line), path, h.get().version));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Where one controller's files for this process live. */
    private final class Hierarchy {
        final int version;
        final String mountPoint;
        final String dir;

        Hierarchy(int version, String mountPoint, String dir) {
            this.version = version;
            this.mountPoint = mountPoint;
            this.dir = dir;
        }

        /** This process's cgroup directory, then each parent up to and including the mount point. */
        List<String> dirsUpToRoot() {
            List<String> dirs = new ArrayList<>();
            String d = dir;
            while (true) {
                dirs.add(d);
                if (d.equals(mountPoint) || d.length() <= mountPoint.length()) {
                    return dirs;
                }
                d = d.substring(0, d.lastIndexOf('/'));
                if (d.isEmpty()) {
                    d = "/";
                }
            }
        }
    }

    private Optional<Hierarchy> hierarchy(String controller) {
        for (Membership m : memberships) {
            if (m.hierarchyId() != 0 && m.controllers().contains(controller)) {
                for (Mount mount : mounts) {
                    if (mount.fsType().equals("cgroup") && mount.superOptions().contains(controller)) {
                        return Optional.of(new Hierarchy(1, mount.mountPoint(), locate(mount, m.path())));
                    }
                }
            }
        }
        Optional<String> unified = unifiedPath();
        if (unified.isEmpty()) {
            return Optional.empty();
        }
        for (Mount mount : mounts) {
            if (mount.fsType().equals("cgroup2")) {
                // The root's cgroup.controllers lists what the kernel offers; unreadable means "try anyway".
                String rootControllers = mount.mountPoint() + "/cgroup.controllers";
                if (!fs.exists(rootControllers) || isAvailable(mount.mountPoint(), controller)) {
                    return Optional.of(new Hierarchy(2, mount.mountPoint(), locate(mount, unified.get())));
                }
            }
        }
        return Optional.empty();
    }

    private boolean isAvailable(String dir, String controller) {
        try {
            return List.of(fs.readLine(dir + "/cgroup.controllers").split("\\s+")).contains(controller);
        } catch (HostFileException e) {
            return false;
        }
    }

    /**
     * Maps a cgroup path onto a mount: strips the mount's root when the path lies under it, and falls back to the
     * mount point itself when the computed directory does not exist (a container that sees the host's path
     * without a cgroup namespace).
     */
    private String locate(Mount mount, String path) {
        String rel;
        if (mount.root().equals("/")) {
            rel = path;
        } else if (path.equals(mount.root()) || path.startsWith(mount.root() + "/")) {
            rel = path.substring(mount.root().length());
        } else {
            rel = path;
        }
        String base = mount.mountPoint();
        String dir = rel.isEmpty() || rel.equals("/") ? base : base + rel;
        return fs.exists(dir) ? dir : base;
    }
}
