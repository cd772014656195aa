/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The panamax UAPI generator: reads uapi.spec, compiles one small C probe per header group and struct for x86_64
 * and aarch64 (gcc -S only, the "asm-offsets" trick: values appear as immediates in the assembly, no target code
 * ever runs), cross-checks the results and writes the Java tables, struct classes and syscall holders.
 *
 * <pre>
 * java Generate.java --spec uapi.spec --lock headers.lock --headers ~/.cache/panamax/headers/root/usr/include \
 *      --out ../src/main/java
 * </pre>
 */
public final class Generate {

    static final String LICENSE = "/*\n * Copyright 2026 the panamax authors.\n * SPDX-License-Identifier: Apache-2.0\n */\n";
    static final String BASE_PKG = "dev.panamax.ffm.internal.uapi";

    /** A target: Java package suffix, compiler, multiarch triplet. */
    record Target(String pkg, String cc, String triplet, String archConst) {
    }

    static final List<Target> TARGETS = List.of(
            new Target("x86_64", "gcc", "x86_64-linux-gnu", "X86_64"),
            new Target("aarch64", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu", "AARCH64"));

    // ------------------------------------------------------------------------------------------------ spec model

    static final class Group {
        final String name;
        final List<String> includes;
        final List<String> consts = new ArrayList<>();
        final Set<String> optional = new LinkedHashSet<>();
        final List<String> prefixes = new ArrayList<>();
        final Set<String> excludes = new LinkedHashSet<>();

        Group(String name, List<String> includes) {
            this.name = name;
            this.includes = includes;
        }
    }

    record Member(String name, String type, String designator) {
        boolean flex() {
            return type.endsWith("[]");
        }
    }

    static final class Struct {
        final String name;
        final String tag;
        final List<String> includes;
        final List<Member> members = new ArrayList<>();

        Struct(String name, String tag, List<String> includes) {
            this.name = name;
            this.tag = tag;
            this.includes = includes;
        }
    }

    record Param(String cType, String name, String kind) {
        // kind: ptr, int, uint, long
        String javaType() {
            return switch (kind) {
                case "ptr" -> "MemorySegment";
                case "int", "uint" -> "int";
                default -> "long";
            };
        }
    }

    record Syscall(String name, boolean critical, List<Param> params, String decl) {
    }

    static final List<Group> GROUPS = new ArrayList<>();
    static final List<Struct> STRUCTS = new ArrayList<>();
    static final List<Syscall> SYSCALLS = new ArrayList<>();
    static final List<String> ERRNO_INCLUDES = new ArrayList<>();

    // ------------------------------------------------------------------------------------------------ results

    /** A constant measured on one arch. */
    record Value(long value, int size, String body) {
    }

    /** Per arch, per group: constant name -> value (in output order). */
    static final Map<String, Map<String, Map<String, Value>>> CONSTS = new TreeMap<>();
    /** Per arch, per group: constants the spec asked for but that are not defined. */
    static final Map<String, Map<String, List<String>>> MISSING = new TreeMap<>();

    record Measured(long offset, long size) {
    }

    record StructInfo(long size, long align, Map<String, Measured> members) {
    }

    static final Map<String, Map<String, StructInfo>> STRUCT_INFO = new TreeMap<>();

    static final Set<String> UNDEFINED = new java.util.TreeSet<>();
    static Path headers;
    static Path out;
    static String inputs;

    public static void main(String[] args) throws Exception {
        Path spec = null;
        Path lock = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--spec" -> spec = Path.of(args[i + 1]);
                case "--lock" -> lock = Path.of(args[i + 1]);
                case "--headers" -> headers = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (spec == null || lock == null || headers == null || out == null) {
            throw new IllegalArgumentException("usage: Generate --spec F --lock F --headers DIR --out DIR");
        }
        List<String> pkgs = new ArrayList<>();
        for (String line : Files.readAllLines(lock)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                pkgs.add(line.split("\\|")[0].replaceFirst("\\.deb$", ""));
            }
        }
        inputs = String.join(", ", pkgs);
        parseSpec(Files.readAllLines(spec));

        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (Target t : TARGETS) {
                for (Group g : GROUPS) {
                    jobs.add(pool.submit(() -> {
                        measureGroup(t, g);
                        return null;
                    }));
                }
                for (Struct s : STRUCTS) {
                    jobs.add(pool.submit(() -> {
                        measureStruct(t, s);
                        return null;
                    }));
                }
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        List<Errno> errnos = errnos();
        checkSyscalls();
        Map<String, Map<String, Model>> models = buildModels();

        writeErrno(errnos);
        for (Target t : TARGETS) {
            for (Group g : GROUPS) {
                writeArchGroup(t, g);
            }
            writeArchLayouts(t, models.get(t.pkg));
        }
        if (!UNDEFINED.isEmpty()) {
            throw new IllegalStateException("defined on no arch (fix the spec or mark them optional): " + UNDEFINED);
        }
        for (Group g : GROUPS) {
            writeFacadeGroup(g);
        }
        for (Struct s : STRUCTS) {
            writeFacadeStruct(s, models);
        }
        writeSyscalls();
        writePackageInfos();
        for (Target t : TARGETS) {
            Map<String, List<String>> m = MISSING.getOrDefault(t.pkg, Map.of());
            m.forEach((g, names) -> {
                if (!names.isEmpty()) {
                    System.err.println("generate: " + t.pkg + " " + g + ": not defined: " + String.join(" ", names));
                }
            });
        }
    }

    static void parseSpec(List<String> lines) {
        Group group = null;
        Struct struct = null;
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String line = raw.replaceFirst("\\s+#.*$", "").strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split("\\s+");
            String where = "uapi.spec:" + (i + 1) + ": ";
            switch (w[0]) {
                case "errno" -> ERRNO_INCLUDES.addAll(List.of(w).subList(1, w.length));
                case "group" -> {
                    group = new Group(w[1], List.of(w).subList(2, w.length));
                    struct = null;
                    GROUPS.add(group);
                }
                case "const", "optional", "prefix", "exclude" -> {
                    if (group == null) {
                        throw new IllegalArgumentException(where + w[0] + " outside a group");
                    }
                    List<String> names = List.of(w).subList(1, w.length);
                    switch (w[0]) {
                        case "const" -> group.consts.addAll(names);
                        case "optional" -> {
                            group.consts.addAll(names);
                            group.optional.addAll(names);
                        }
                        case "prefix" -> group.prefixes.addAll(names);
                        default -> group.excludes.addAll(names);
                    }
                }
                case "struct" -> {
                    String tag = w[1];
                    int first = 2;
                    if (w.length > 2 && w[2].startsWith("tag=")) {
                        tag = w[2].substring(4);
                        first = 3;
                    }
                    struct = new Struct(w[1], tag, List.of(w).subList(first, w.length));
                    group = null;
                    STRUCTS.add(struct);
                }
                case "syscall", "syscall!" -> {
                    group = null;
                    struct = null;
                    SYSCALLS.add(parseSyscall(line.substring(w[0].length()).strip(), w[0].endsWith("!"), where));
                }
                default -> {
                    if (struct == null) {
                        throw new IllegalArgumentException(where + "unknown directive " + w[0]);
                    }
                    struct.members.add(new Member(w[0], w[1], w.length > 2 ? w[2] : w[0]));
                }
            }
        }
    }

    static Syscall parseSyscall(String decl, boolean critical, String where) {
        Matcher m = Pattern.compile("(\\w+)\\((.*)\\)").matcher(decl);
        if (!m.matches()) {
            throw new IllegalArgumentException(where + "bad syscall " + decl);
        }
        List<Param> params = new ArrayList<>();
        String list = m.group(2).strip();
        if (!list.equals("void")) {
            for (String p : list.split(",")) {
                p = p.strip();
                Matcher pm = Pattern.compile("(.*?)(\\w+)$").matcher(p);
                if (!pm.matches()) {
                    throw new IllegalArgumentException(where + "bad parameter " + p);
                }
                String type = pm.group(1).strip();
                String kind;
                if (type.contains("*")) {
                    kind = "ptr";
                } else {
                    String base = type.replace("const ", "").strip();
                    kind = switch (base) {
                        case "int", "pid_t", "clockid_t", "rwf_t", "key_t", "timer_t" -> "int";
                        case "unsigned int", "unsigned", "u32", "umode_t", "uid_t", "gid_t", "mode_t" -> "uint";
                        case "long", "off_t", "loff_t", "ssize_t", "unsigned long", "size_t", "u64" -> "long";
                        default -> throw new IllegalArgumentException(where + "unknown C type " + base);
                    };
                }
                params.add(new Param(type, pm.group(2), kind));
            }
        }
        return new Syscall(m.group(1), critical, params, decl);
    }

    // ------------------------------------------------------------------------------------------------ compiling

    static final Pattern ASM_LINE = Pattern.compile("\\.ascii\\s+\"->(\\S+) [$#]?(-?\\d+)\"");

    static List<String> ccBase(Target t) throws IOException, InterruptedException {
        String inc = run(List.of(t.cc, "-print-file-name=include"), null).strip();
        return new ArrayList<>(List.of(t.cc, "-nostdinc", "-isystem", inc,
                "-isystem", headers.resolve(t.triplet).toString(), "-isystem", headers.toString(),
                "-D_GNU_SOURCE", "-O0", "-w"));
    }

    /** Runs a command with {@code input} on stdin; fails with its stderr on a non-zero exit. */
    static String run(List<String> cmd, String input) throws IOException, InterruptedException {
        Result r = tryRun(cmd, input);
        if (r.rc != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + r.err);
        }
        return r.out;
    }

    record Result(int rc, String out, String err) {
    }

    static Result tryRun(List<String> cmd, String input) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Process p = pb.start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[][] err = new byte[1][];
        Thread t = Thread.ofVirtual().start(() -> {
            try (InputStream es = p.getErrorStream()) {
                err[0] = es.readAllBytes();
            } catch (IOException e) {
                err[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        t.join();
        return new Result(rc, o, new String(err[0], StandardCharsets.UTF_8));
    }

    static String includes(List<String> hs) {
        StringBuilder sb = new StringBuilder();
        for (String h : hs) {
            sb.append("#include <").append(h).append(">\n");
        }
        return sb.toString();
    }

    static final String DEFINE = "#define DEFINE(sym, val) __asm__ volatile(\"\\n.ascii \\\"->\" sym \" %0\\\"\" : : "
            + "\"i\" ((long)(val)))\n";

    /** Object-like macros of a translation unit: name to body. */
    static Map<String, String> macros(Target t, String source) throws Exception {
        List<String> cmd = ccBase(t);
        cmd.addAll(List.of("-dM", "-E", "-x", "c", "-"));
        Map<String, String> result = new TreeMap<>();
        Pattern def = Pattern.compile("#define (\\w+)(?: (.*))?");
        for (String l : run(cmd, source).split("\n")) {
            Matcher m = def.matcher(l);
            if (m.matches()) {
                result.put(m.group(1), m.group(2) == null ? "" : m.group(2).strip());
            }
        }
        return result;
    }

    /** Enumerators of every enum the translation unit declares: name to "enum tag". */
    static Map<String, String> enumerators(Target t, String source) throws Exception {
        List<String> cmd = ccBase(t);
        cmd.addAll(List.of("-E", "-P", "-x", "c", "-"));
        String text = run(cmd, source);
        Map<String, String> result = new TreeMap<>();
        Matcher m = Pattern.compile("\\benum\\s*(\\w*)\\s*\\{([^}]*)}").matcher(text);
        while (m.find()) {
            String tag = m.group(1).isEmpty() ? "enum" : "enum " + m.group(1);
            for (String item : m.group(2).split(",")) {
                Matcher im = Pattern.compile("\\s*(\\w+)\\s*(?:=.*)?").matcher(item.strip());
                if (im.matches()) {
                    result.put(im.group(1), tag);
                }
            }
        }
        return result;
    }

    /** Compiles {@code body} (a function body of DEFINE lines) and returns symbol -> value. */
    static Map<String, Long> probe(Target t, String prologue, List<String> lines, Set<String> dropOnError,
                                   List<String> dropped) throws Exception {
        List<String> current = new ArrayList<>(lines);
        for (int attempt = 0; attempt < 4; attempt++) {
            StringBuilder src = new StringBuilder(prologue).append(DEFINE).append("void panamax_probe(void)\n{\n");
            int firstLine = (int) src.chars().filter(c -> c == '\n').count() + 1;
            for (String l : current) {
                src.append(l).append('\n');
            }
            src.append("}\n");
            List<String> cmd = ccBase(t);
            cmd.addAll(List.of("-S", "-o", "-", "-x", "c", "-"));
            Result r = tryRun(cmd, src.toString());
            if (r.rc == 0) {
                Map<String, Long> values = new LinkedHashMap<>();
                Matcher m = ASM_LINE.matcher(r.out);
                while (m.find()) {
                    values.put(m.group(1), Long.parseLong(m.group(2)));
                }
                return values;
            }
            // Drop prefix-expanded macros that are not integer constants (types, strings, function calls).
            Matcher em = Pattern.compile("<stdin>:(\\d+):\\d+: (?:error|note: in expansion)").matcher(r.err);
            Set<Integer> bad = new java.util.TreeSet<>();
            while (em.find()) {
                bad.add(Integer.parseInt(em.group(1)) - firstLine);
            }
            List<String> next = new ArrayList<>();
            boolean progress = false;
            for (int i = 0; i < current.size(); i++) {
                String l = current.get(i);
                String sym = l.replaceFirst("^.*DEFINE\\(\"([^\"$]+).*$", "$1");
                if (bad.contains(i)) {
                    if (!dropOnError.contains(sym)) {
                        throw new IllegalStateException(t.cc + ": probe failed on " + sym + ":\n" + r.err);
                    }
                    progress = true;
                    if (!dropped.contains(sym)) {
                        dropped.add(sym);
                    }
                    continue;
                }
                next.add(l);
            }
            if (!progress) {
                throw new IllegalStateException(t.cc + ": probe failed:\n" + r.err + "\n" + src);
            }
            current = removeOrphans(next, dropped);
        }
        throw new IllegalStateException(t.cc + ": probe did not converge");
    }

    static List<String> removeOrphans(List<String> lines, List<String> dropped) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("#ifdef ")) {
                String sym = l.substring(7).strip();
                if (dropped.contains(sym)) {
                    while (!lines.get(i).startsWith("#endif")) {
                        i++;
                    }
                    continue;
                }
            }
            out.add(l);
        }
        return out;
    }

    static void measureGroup(Target t, Group g) throws Exception {
        String prologue = includes(g.includes);
        Map<String, String> macros = macros(t, prologue);
        List<String> names = new ArrayList<>(g.consts);
        Set<String> expanded = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : macros.entrySet()) {
            String n = e.getKey();
            String body = e.getValue();
            boolean match = g.prefixes.stream().anyMatch(n::startsWith);
            if (match && !g.excludes.contains(n) && !names.contains(n) && !body.isEmpty() && !body.contains("\"")) {
                expanded.add(n);
            }
        }
        // Enumerators (IORING_OP_*, IORING_REGISTER_*, MEMBARRIER_CMD_*) are invisible to -dM: scan the enums.
        Map<String, String> enumerators = enumerators(t, prologue);
        for (Map.Entry<String, String> e : enumerators.entrySet()) {
            String n = e.getKey();
            if (g.prefixes.stream().anyMatch(n::startsWith) && !g.excludes.contains(n) && !names.contains(n)
                    && !macros.containsKey(n)) {
                expanded.add(n);
                macros.put(n, e.getValue());
            }
        }
        names.addAll(expanded);
        for (String n : g.consts) {
            if (!macros.containsKey(n) && enumerators.containsKey(n)) {
                macros.put(n, enumerators.get(n));
            }
        }
        List<String> lines = new ArrayList<>();
        for (String n : names) {
            if (macros.getOrDefault(n, "").startsWith("enum")) {
                // An enumerator exists when the scan found it: no #ifdef possible or needed.
                lines.add("DEFINE(\"" + n + "\", " + n + ");");
                lines.add("DEFINE(\"" + n + "$size\", sizeof(" + n + "));");
                continue;
            }
            lines.add("#ifdef " + n);
            lines.add("DEFINE(\"" + n + "\", " + n + ");");
            lines.add("DEFINE(\"" + n + "$size\", sizeof(" + n + "));");
            lines.add("#else");
            lines.add("DEFINE(\"" + n + "$missing\", 0);");
            lines.add("#endif");
        }
        List<String> dropped = new ArrayList<>();
        Map<String, Long> v = probe(t, prologue, lines, expanded, dropped);
        Map<String, Value> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String n : names) {
            if (v.containsKey(n + "$missing")) {
                missing.add(n);
            } else if (v.containsKey(n)) {
                values.put(n, new Value(v.get(n), v.get(n + "$size").intValue(), macros.getOrDefault(n, "")));
            }
        }
        // Explicit names keep spec order; prefix expansions follow, ordered by value then name.
        List<String> explicit = new ArrayList<>(g.consts);
        List<Map.Entry<String, Value>> rest = new ArrayList<>();
        for (Map.Entry<String, Value> e : values.entrySet()) {
            if (!explicit.contains(e.getKey())) {
                rest.add(e);
            }
        }
        rest.sort(Comparator.<Map.Entry<String, Value>>comparingLong(e -> e.getValue().value())
                .thenComparing(Map.Entry::getKey));
        Map<String, Value> ordered = new LinkedHashMap<>();
        for (String n : explicit) {
            if (values.containsKey(n)) {
                ordered.put(n, values.get(n));
            }
        }
        for (Map.Entry<String, Value> e : rest) {
            ordered.put(e.getKey(), e.getValue());
        }
        synchronized (CONSTS) {
            CONSTS.computeIfAbsent(t.pkg, k -> new TreeMap<>()).put(g.name, ordered);
            MISSING.computeIfAbsent(t.pkg, k -> new TreeMap<>()).put(g.name, missing);
        }
    }

    static void measureStruct(Target t, Struct s) throws Exception {
        String c = "struct " + s.tag;
        List<String> lines = new ArrayList<>();
        lines.add("DEFINE(\"$sizeof\", sizeof(" + c + "));");
        lines.add("DEFINE(\"$alignof\", __alignof__(" + c + "));");
        for (Member m : s.members) {
            lines.add("DEFINE(\"" + m.name + "$offset\", __builtin_offsetof(" + c + ", " + m.designator + "));");
            if (!m.flex()) {
                lines.add("DEFINE(\"" + m.name + "$size\", sizeof(((" + c + " *)0)->" + m.designator + "));");
            }
        }
        Map<String, Long> v = probe(t, includes(s.includes), lines, Set.of(), new ArrayList<>());
        Map<String, Measured> members = new LinkedHashMap<>();
        for (Member m : s.members) {
            members.put(m.name, new Measured(v.get(m.name + "$offset"), m.flex() ? 0 : v.get(m.name + "$size")));
        }
        synchronized (STRUCT_INFO) {
            STRUCT_INFO.computeIfAbsent(t.pkg, k -> new TreeMap<>())
                    .put(s.name, new StructInfo(v.get("$sizeof"), v.get("$alignof"), members));
        }
    }

    // ------------------------------------------------------------------------------------------------ errno

    record Errno(String name, int value, String message, List<String> aliases) {
    }

    static List<Errno> errnos() throws Exception {
        Pattern def = Pattern.compile("#define\\s+(E[A-Z0-9]+)\\s+(\\w+)\\s*(?:/\\*\\s*(.*?)\\s*\\*/)?\\s*");
        Map<String, Errno> byName = new LinkedHashMap<>();
        Map<String, String> aliasOf = new LinkedHashMap<>();
        for (String h : List.of("asm-generic/errno-base.h", "asm-generic/errno.h")) {
            for (String l : Files.readAllLines(headers.resolve(h))) {
                Matcher m = def.matcher(l);
                if (!m.matches()) {
                    continue;
                }
                if (m.group(2).matches("\\d+")) {
                    if (m.group(3) == null) {
                        throw new IllegalStateException(h + ": no message comment for " + m.group(1));
                    }
                    byName.put(m.group(1), new Errno(m.group(1), Integer.parseInt(m.group(2)), m.group(3),
                            new ArrayList<>()));
                } else {
                    aliasOf.put(m.group(1), m.group(2));
                }
            }
        }
        aliasOf.forEach((alias, target) -> byName.get(target).aliases().add(alias));
        // The compilers must agree with the header text, on both arches.
        List<String> lines = new ArrayList<>();
        for (String n : byName.keySet()) {
            lines.add("DEFINE(\"" + n + "\", " + n + ");");
        }
        for (String n : aliasOf.keySet()) {
            lines.add("DEFINE(\"" + n + "\", " + n + ");");
        }
        for (Target t : TARGETS) {
            Map<String, Long> v = probe(t, includes(ERRNO_INCLUDES), lines, Set.of(), new ArrayList<>());
            for (Errno e : byName.values()) {
                if (v.get(e.name) != e.value) {
                    throw new IllegalStateException(t.pkg + ": " + e.name + " is " + v.get(e.name) + ", header says "
                            + e.value);
                }
            }
            aliasOf.forEach((alias, target) -> {
                if (!v.get(alias).equals(v.get(target))) {
                    throw new IllegalStateException(t.pkg + ": alias " + alias + " != " + target);
                }
            });
        }
        List<Errno> list = new ArrayList<>(byName.values());
        list.sort(Comparator.comparingInt(Errno::value));
        return list;
    }

    // ------------------------------------------------------------------------------------------------ syscalls

    static void checkSyscalls() {
        for (Syscall s : SYSCALLS) {
            for (Target t : TARGETS) {
                if (!CONSTS.get(t.pkg).get("unistd_h").containsKey("__NR_" + s.name)) {
                    throw new IllegalStateException("syscall " + s.name + " has no __NR_" + s.name + " on " + t.pkg);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ layouts

    /** One element of a struct layout: a member or an anonymous union of members at one offset. */
    record Element(long offset, long size, List<Member> members) {
    }

    record Model(Struct struct, StructInfo info, List<Element> elements, Map<String, Long> align,
                 MemoryLayout layout) {
    }

    static long naturalAlign(String type, Map<String, Model> built) {
        String base = type.replaceFirst("\\[.*$", "");
        return switch (base) {
            case "u8", "s8" -> 1;
            case "u16", "s16" -> 2;
            case "u32", "s32" -> 4;
            case "u64", "s64", "ptr" -> 8;
            default -> {
                if (base.startsWith("struct:")) {
                    yield built.get(base.substring(7)).info.align;
                }
                throw new IllegalArgumentException("unknown member type " + type);
            }
        };
    }

    static long elementCount(String type) {
        Matcher m = Pattern.compile(".*\\[(\\d+)]$").matcher(type);
        return m.matches() ? Long.parseLong(m.group(1)) : 1;
    }

    static long typeSize(String type, Map<String, Model> built) {
        String base = type.replaceFirst("\\[.*$", "");
        long one = base.startsWith("struct:") ? built.get(base.substring(7)).info.size : naturalAlign(base, built);
        return one * elementCount(type);
    }

    static Map<String, Map<String, Model>> buildModels() {
        Map<String, Map<String, Model>> all = new TreeMap<>();
        for (Target t : TARGETS) {
            Map<String, Model> built = new LinkedHashMap<>();
            for (Struct s : STRUCTS) {
                built.put(s.name, buildModel(t, s, built));
            }
            all.put(t.pkg, built);
        }
        // The facade selects members by layout path: the paths must agree between arches.
        for (Struct s : STRUCTS) {
            String first = null;
            for (Target t : TARGETS) {
                StringBuilder sb = new StringBuilder();
                for (Element e : all.get(t.pkg).get(s.name).elements) {
                    sb.append(e.members.size() > 1 ? "u" : "m").append(e.members.getFirst().name).append(' ');
                }
                if (first == null) {
                    first = sb.toString();
                } else if (!first.contentEquals(sb)) {
                    throw new IllegalStateException("struct " + s.name + ": member grouping differs between arches");
                }
            }
        }
        return all;
    }

    static Model buildModel(Target t, Struct s, Map<String, Model> built) {
        StructInfo info = STRUCT_INFO.get(t.pkg).get(s.name);
        String where = t.pkg + " struct " + s.tag + ": ";
        Map<String, Long> align = new LinkedHashMap<>();
        for (Member m : s.members) {
            Measured me = info.members.get(m.name);
            if (m.flex()) {
                continue;
            }
            long expected = typeSize(m.type, built);
            if (me.size != expected) {
                throw new IllegalStateException(where + m.name + " is " + me.size + " bytes, spec type " + m.type
                        + " is " + expected);
            }
            long a = Math.min(naturalAlign(m.type, built), info.align);
            if (me.offset != 0) {
                a = Math.min(a, Long.lowestOneBit(me.offset));
            }
            align.put(m.name, a);
        }
        List<Member> sorted = new ArrayList<>(s.members.stream().filter(m -> !m.flex()).toList());
        sorted.sort(Comparator.comparingLong(m -> info.members.get(m.name).offset));
        List<Element> elements = new ArrayList<>();
        for (Member m : sorted) {
            Measured me = info.members.get(m.name);
            Element last = elements.isEmpty() ? null : elements.getLast();
            if (last != null && last.offset == me.offset) {
                List<Member> ms = new ArrayList<>(last.members);
                ms.add(m);
                elements.set(elements.size() - 1, new Element(last.offset, Math.max(last.size, me.size), ms));
            } else {
                if (last != null && last.offset + last.size > me.offset) {
                    throw new IllegalStateException(where + m.name + " at " + me.offset + " partly overlaps "
                            + last.members.getFirst().name + "; list only members that start a union");
                }
                elements.add(new Element(me.offset, me.size, List.of(m)));
            }
        }
        List<MemoryLayout> parts = new ArrayList<>();
        long pos = 0;
        for (Element e : elements) {
            if (e.offset > pos) {
                parts.add(MemoryLayout.paddingLayout(e.offset - pos));
            }
            if (e.members.size() == 1) {
                parts.add(memberLayout(e.members.getFirst(), align, built));
            } else {
                List<MemoryLayout> alts = new ArrayList<>();
                for (Member m : e.members) {
                    alts.add(memberLayout(m, align, built));
                }
                MemoryLayout u = MemoryLayout.unionLayout(alts.toArray(MemoryLayout[]::new));
                if (u.byteSize() != e.size) {
                    throw new IllegalStateException(where + "union at " + e.offset + " size mismatch");
                }
                parts.add(u.withName("$anon$" + e.offset));
            }
            pos = e.offset + e.size;
        }
        if (info.size > pos) {
            parts.add(MemoryLayout.paddingLayout(info.size - pos));
        }
        StructLayout layout = MemoryLayout.structLayout(parts.toArray(MemoryLayout[]::new));
        if (layout.byteAlignment() < info.align) {
            layout = layout.withByteAlignment(info.align);
        }
        layout = layout.withName(s.tag);
        // The whole point: the Java layout must reproduce gcc's sizeof, alignof and every offsetof.
        if (layout.byteSize() != info.size || layout.byteAlignment() != info.align) {
            throw new IllegalStateException(where + "layout is " + layout.byteSize() + " bytes aligned "
                    + layout.byteAlignment() + ", gcc says " + info.size + " aligned " + info.align);
        }
        Model model = new Model(s, info, elements, align, layout);
        for (Member m : s.members) {
            if (m.flex()) {
                continue;
            }
            long off = layout.byteOffset(path(model, m));
            if (off != info.members.get(m.name).offset) {
                throw new IllegalStateException(where + m.name + " at " + off + " in the layout, gcc says "
                        + info.members.get(m.name).offset);
            }
        }
        return model;
    }

    static MemoryLayout.PathElement[] path(Model model, Member m) {
        for (Element e : model.elements) {
            if (e.members.contains(m)) {
                return e.members.size() == 1
                        ? new MemoryLayout.PathElement[] {MemoryLayout.PathElement.groupElement(m.name)}
                        : new MemoryLayout.PathElement[] {MemoryLayout.PathElement.groupElement("$anon$" + e.offset),
                            MemoryLayout.PathElement.groupElement(m.name)};
            }
        }
        throw new IllegalStateException(m.name);
    }

    static String unionName(Model model, Member m) {
        for (Element e : model.elements) {
            if (e.members.contains(m) && e.members.size() > 1) {
                return "$anon$" + e.offset;
            }
        }
        return null;
    }

    static MemoryLayout memberLayout(Member m, Map<String, Long> align, Map<String, Model> built) {
        long a = align.get(m.name);
        String base = m.type.replaceFirst("\\[.*$", "");
        MemoryLayout elem;
        if (base.startsWith("struct:")) {
            elem = built.get(base.substring(7)).layout;
            if (elem.byteAlignment() > a) {
                elem = elem.withByteAlignment(a);
            }
        } else {
            elem = scalar(base).withByteAlignment(Math.min(a, naturalAlign(base, built)));
        }
        if (m.type.contains("[")) {
            elem = MemoryLayout.sequenceLayout(elementCount(m.type), elem);
        }
        return elem.withName(m.name);
    }

    static ValueLayout scalar(String base) {
        return switch (base) {
            case "u8", "s8" -> ValueLayout.JAVA_BYTE;
            case "u16", "s16" -> ValueLayout.JAVA_SHORT;
            case "u32", "s32" -> ValueLayout.JAVA_INT;
            case "u64", "s64" -> ValueLayout.JAVA_LONG;
            case "ptr" -> ValueLayout.ADDRESS;
            default -> throw new IllegalArgumentException(base);
        };
    }

    // ------------------------------------------------------------------------------------------------ writing

    static String header(String what) {
        return LICENSE + "\n"
                + wrapComment("// ", "Generated by ffm-bindings/generator/Generate.java from uapi.spec (" + what
                + "). Do not edit: run ffm-bindings/generator/regenerate.sh. Inputs: " + inputs
                + " (Debian trixie); compilers: gcc (x86_64-linux-gnu), aarch64-linux-gnu-gcc (-S only, nothing runs).")
                + "\n";
    }

    static String wrapComment(String prefix, String text) {
        StringBuilder sb = new StringBuilder();
        StringBuilder line = new StringBuilder(prefix);
        for (String word : text.split(" ")) {
            if (line.length() + word.length() + 1 > 116 && line.length() > prefix.length()) {
                sb.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder(prefix);
            }
            line.append(word).append(' ');
        }
        sb.append(line.toString().stripTrailing()).append('\n');
        return sb.toString();
    }

    static void write(String pkg, String cls, String text) throws IOException {
        Path dir = out.resolve(pkg.replace('.', '/'));
        Files.createDirectories(dir);
        for (String l : text.split("\n")) {
            if (l.length() > 120 && !l.matches("^ *\\* *(@see|@link|https?://).*")) {
                throw new IllegalStateException(cls + ": line over 120 columns: " + l);
            }
        }
        Files.writeString(dir.resolve(cls + ".java"), text);
    }

    static String javaType(Value v) {
        return v.size > 4 ? "long" : "int";
    }

    static String literal(Value v, String type) {
        if (type.equals("long")) {
            return v.value + "L";
        }
        return Integer.toString((int) v.value);
    }

    static String typeOf(Group g, String name) {
        int max = 0;
        for (Target t : TARGETS) {
            Value v = CONSTS.get(t.pkg).get(g.name).get(name);
            if (v != null) {
                max = Math.max(max, v.size);
            }
        }
        return max > 4 ? "long" : "int";
    }

    static String hex(long v, String type) {
        return type.equals("int") ? "0x" + Integer.toHexString((int) v) : "0x" + Long.toHexString(v);
    }

    /** A {@code #define} line, wrapped C-style with backslashes when it is too long for the Javadoc. */
    static List<String> defineLines(String name, String body, String trailer) {
        if (body.startsWith("enum")) {
            return List.of(body + " { " + name + " };" + trailer);
        }
        String full = "#define " + name + " " + body + trailer;
        List<String> out = new ArrayList<>();
        if (full.length() <= 100) {
            out.add(full);
            return out;
        }
        StringBuilder line = new StringBuilder("#define " + name);
        for (String word : (body + trailer).split(" ")) {
            if (line.length() + word.length() + 3 > 100) {
                out.add(line + " \\");
                line = new StringBuilder("    ");
            }
            line.append(line.toString().isBlank() ? "" : " ").append(word);
        }
        out.add(line.toString());
        return out;
    }

    static void writeArchGroup(Target t, Group g) throws IOException {
        String pkg = BASE_PKG + "." + t.pkg;
        Map<String, Value> values = CONSTS.get(t.pkg).get(g.name);
        List<String> missing = MISSING.get(t.pkg).get(g.name);
        for (String n : missing) {
            boolean anywhere = TARGETS.stream().anyMatch(o -> CONSTS.get(o.pkg).get(g.name).containsKey(n));
            if (!anywhere && !g.optional.contains(n)) {
                UNDEFINED.add(g.name + "." + n);
            }
        }
        StringBuilder sb = new StringBuilder(header(String.join(" ", g.includes) + ", " + t.pkg));
        sb.append("package ").append(pkg).append(";\n\n");
        sb.append("/**\n").append(wrapComment(" * ", "Constants of " + includeList(g.includes) + " on " + t.pkg
                + ", as gcc for {@code " + t.triplet + "} evaluates them."));
        if (!missing.isEmpty()) {
            sb.append(" *\n");
            sb.append(wrapComment(" * ", "<p>Listed in the spec but not defined for " + t.pkg + ": {@code "
                    + String.join("}, {@code ", missing) + "}."));
        }
        sb.append(" */\npublic final class ").append(g.name).append(" {\n\n");
        sb.append("    private ").append(g.name).append("() {\n    }\n");
        for (Map.Entry<String, Value> e : values.entrySet()) {
            String type = javaType(e.getValue());
            sb.append("\n    /**\n     * {@snippet lang=c :\n");
            for (String l : defineLines(e.getKey(), e.getValue().body, "")) {
                sb.append("     * ").append(l).append('\n');
            }
            sb.append("     * }\n     */\n");
            sb.append("    public static final ").append(type).append(' ').append(e.getKey()).append(" = ")
                    .append(literal(e.getValue(), type)).append(";\n");
        }
        sb.append("}\n");
        write(pkg, g.name, sb.toString());
    }

    static String includeList(List<String> includes) {
        List<String> s = new ArrayList<>();
        for (String h : includes) {
            s.add("{@code <" + h + ">}");
        }
        return String.join(", ", s);
    }

    static void writeFacadeGroup(Group g) throws IOException {
        Target x = TARGETS.get(0);
        Target a = TARGETS.get(1);
        Map<String, Value> xv = CONSTS.get(x.pkg).get(g.name);
        Map<String, Value> av = CONSTS.get(a.pkg).get(g.name);
        List<String> onlyX = new ArrayList<>();
        List<String> onlyA = new ArrayList<>();
        for (String n : xv.keySet()) {
            if (!av.containsKey(n)) {
                onlyX.add(n);
            }
        }
        for (String n : av.keySet()) {
            if (!xv.containsKey(n)) {
                onlyA.add(n);
            }
        }
        StringBuilder sb = new StringBuilder(header(String.join(" ", g.includes) + ", arch-neutral facade"));
        sb.append("package ").append(BASE_PKG).append(";\n\n");
        sb.append("import dev.panamax.ffm.Arch;\n\n");
        sb.append("/**\n").append(wrapComment(" * ", "Constants of " + includeList(g.includes)
                + " for the running arch, chosen from {@link " + BASE_PKG + ".x86_64." + g.name + "} and {@link "
                + BASE_PKG + ".aarch64." + g.name + "} by {@link Arch#current()}. Only constants defined on both"
                + " arches appear here."));
        if (!onlyX.isEmpty()) {
            sb.append(" *\n").append(wrapComment(" * ", "<p>Only on x86_64 (use the per-arch table): {@code "
                    + String.join("}, {@code ", onlyX) + "}."));
        }
        if (!onlyA.isEmpty()) {
            sb.append(" *\n").append(wrapComment(" * ", "<p>Only on aarch64 (use the per-arch table): {@code "
                    + String.join("}, {@code ", onlyA) + "}."));
        }
        sb.append(" */\npublic final class ").append(g.name).append(" {\n\n");
        sb.append("    private static final boolean X86_64 = Arch.current() == Arch.X86_64;\n\n");
        sb.append("    private ").append(g.name).append("() {\n    }\n");
        for (Map.Entry<String, Value> e : xv.entrySet()) {
            String n = e.getKey();
            if (!av.containsKey(n)) {
                continue;
            }
            String type = typeOf(g, n);
            Value x1 = e.getValue();
            Value a1 = av.get(n);
            String cast = javaType(x1).equals(type) ? "" : "(long) ";
            String casta = javaType(a1).equals(type) ? "" : "(long) ";
            sb.append("\n    private static final ").append(type).append(' ').append(n).append(" = X86_64\n")
                    .append("            ? ").append(cast).append(BASE_PKG).append(".x86_64.").append(g.name)
                    .append('.').append(n).append('\n')
                    .append("            : ").append(casta).append(BASE_PKG).append(".aarch64.").append(g.name)
                    .append('.').append(n).append(";\n");
            sb.append("\n    /**\n     * {@snippet lang=c :\n");
            if (x1.value == a1.value && x1.body.equals(a1.body)) {
                for (String l : defineLines(n, x1.body, " // " + x1.value + " on x86_64 and aarch64")) {
                    sb.append("     * ").append(l).append('\n');
                }
            } else {
                for (String l : defineLines(n, x1.body, " // x86_64: " + x1.value)) {
                    sb.append("     * ").append(l).append('\n');
                }
                for (String l : defineLines(n, a1.body, " // aarch64: " + a1.value)) {
                    sb.append("     * ").append(l).append('\n');
                }
            }
            sb.append("     * }\n     *\n     * @return the value for the running arch");
            if (x1.value != a1.value) {
                sb.append(" (differs between arches)");
            }
            sb.append("\n     */\n");
            sb.append("    public static ").append(type).append(' ').append(n).append("() {\n")
                    .append("        return ").append(n).append(";\n    }\n");
        }
        sb.append("}\n");
        write(BASE_PKG, g.name, sb.toString());
    }

    static void writeErrno(List<Errno> errnos) throws IOException {
        String pkg = "dev.panamax.ffm";
        StringBuilder sb = new StringBuilder(header("asm-generic/errno-base.h asm-generic/errno.h"));
        sb.append("package ").append(pkg).append(";\n\n");
        sb.append("""
                /**
                 * The Linux error numbers of {@code <asm-generic/errno-base.h>} and {@code <asm-generic/errno.h>}, with the
                 * message text those headers give each one. The values are the same on x86_64 and aarch64 (the generator
                 * checks it with both compilers). Aliases ({@code EWOULDBLOCK} for {@code EAGAIN}, {@code EDEADLOCK} for
                 * {@code EDEADLK}) are not separate constants; the constant they alias names them.
                 */
                public enum Errno {
                """);
        for (int i = 0; i < errnos.size(); i++) {
            Errno e = errnos.get(i);
            sb.append("    /**\n     * {@code ").append(e.name).append("} (").append(e.value).append("): ")
                    .append(e.message).append('.');
            if (!e.aliases.isEmpty()) {
                sb.append(" Also known as {@code ").append(String.join("}, {@code ", e.aliases)).append("}.");
            }
            sb.append("\n     */\n    ").append(e.name).append('(').append(e.value).append(", \"")
                    .append(e.message.replace("\\", "\\\\").replace("\"", "\\\"")).append("\")")
                    .append(i == errnos.size() - 1 ? ";\n" : ",\n");
        }
        int max = errnos.stream().mapToInt(Errno::value).max().orElseThrow();
        sb.append("""

                    private static final Errno[] BY_VALUE = new Errno[%d];

                    static {
                        for (Errno e : values()) {
                            BY_VALUE[e.value] = e;
                        }
                    }

                    private final int value;
                    private final String message;

                    Errno(int value, String message) {
                        this.value = value;
                        this.message = message;
                    }

                    /**
                     * The number the kernel returns (negated) or libc stores in {@code errno}.
                     *
                     * @return the errno value
                     */
                    public int value() {
                        return value;
                    }

                    /**
                     * The message of the kernel header, e.g. "Invalid argument" for {@link #EINVAL}.
                     *
                     * @return the strerror-style text
                     */
                    public String message() {
                        return message;
                    }

                    /**
                     * Looks an errno value up without allocating.
                     *
                     * @param value an errno value (positive, as in {@code errno})
                     * @return the constant, or {@code null} for a value Linux does not define
                     */
                    public static Errno of(int value) {
                        return value > 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
                    }
                }
                """.formatted(max + 1));
        write(pkg, "Errno", sb.toString());
    }

    // ------------------------------------------------------------------------------------------------ structs

    static String layoutExpr(MemoryLayout l, String indent, Map<String, Model> built, boolean top) {
        String name = l.name().orElse(null);
        String suffix = name == null ? "" : ".withName(\"" + name + "\")";
        if (l instanceof ValueLayout v) {
            String base;
            long natural;
            if (v.carrier() == byte.class) {
                base = "ValueLayout.JAVA_BYTE";
                natural = 1;
            } else if (v.carrier() == short.class) {
                base = "ValueLayout.JAVA_SHORT";
                natural = 2;
            } else if (v.carrier() == int.class) {
                base = "ValueLayout.JAVA_INT";
                natural = 4;
            } else if (v.carrier() == long.class) {
                base = "ValueLayout.JAVA_LONG";
                natural = 8;
            } else {
                base = "ValueLayout.ADDRESS";
                natural = 8;
            }
            String align = v.byteAlignment() == natural ? "" : ".withByteAlignment(" + v.byteAlignment() + ")";
            return base + align + suffix;
        }
        if (l instanceof java.lang.foreign.PaddingLayout) {
            return "MemoryLayout.paddingLayout(" + l.byteSize() + ")";
        }
        if (l instanceof java.lang.foreign.SequenceLayout s) {
            return "MemoryLayout.sequenceLayout(" + s.elementCount() + ", "
                    + layoutExpr(s.elementLayout(), indent, built, false) + ")" + suffix;
        }
        if (l instanceof java.lang.foreign.GroupLayout g) {
            // A nested named struct refers to the field of its own layout (declared earlier in the class).
            if (!top && name != null && g instanceof StructLayout) {
                for (Model m : built.values()) {
                    if (((StructLayout) m.layout).memberLayouts().equals(g.memberLayouts())) {
                        String align = l.byteAlignment() == m.layout.byteAlignment() ? ""
                                : ".withByteAlignment(" + l.byteAlignment() + ")";
                        return m.struct.name + align + suffix;
                    }
                }
            }
            StringBuilder sb = new StringBuilder(g instanceof StructLayout ? "MemoryLayout.structLayout(\n"
                    : "MemoryLayout.unionLayout(\n");
            List<MemoryLayout> ms = g.memberLayouts();
            for (int i = 0; i < ms.size(); i++) {
                sb.append(indent).append("        ").append(layoutExpr(ms.get(i), indent + "        ", built, false))
                        .append(i == ms.size() - 1 ? ")" : ",\n");
            }
            return sb + suffix;
        }
        throw new IllegalArgumentException(l.toString());
    }

    static void writeArchLayouts(Target t, Map<String, Model> built) throws IOException {
        String pkg = BASE_PKG + "." + t.pkg;
        StringBuilder sb = new StringBuilder(header("struct layouts, " + t.pkg));
        sb.append("package ").append(pkg).append(";\n\n");
        sb.append("import java.lang.foreign.MemoryLayout;\nimport java.lang.foreign.StructLayout;\n")
                .append("import java.lang.foreign.ValueLayout;\n\n");
        sb.append("""
                /**
                 * The UAPI struct layouts of %s: {@code sizeof}, {@code __alignof__} and every {@code offsetof} as gcc
                 * for {@code %s} computes them, and a {@link StructLayout} with explicit padding that reproduces them
                 * (the generator fails when it does not). The fixed-width UAPI types ({@code __u32}, {@code __u64}) map to
                 * {@code JAVA_INT}/{@code JAVA_LONG} on every arch, pointers to {@code ADDRESS} (both arches are LP64),
                 * so these layouts do not depend on the JVM that loads them.
                 */
                public final class Layouts {

                    private Layouts() {
                    }
                """.formatted(t.pkg, t.triplet));
        for (Model m : built.values()) {
            String n = m.struct.name;
            sb.append("\n    /** {@code sizeof(struct ").append(m.struct.tag).append(")}. */\n");
            sb.append("    public static final long ").append(n).append("$SIZEOF = ").append(m.info.size).append("L;\n");
            sb.append("\n    /** {@code __alignof__(struct ").append(m.struct.tag).append(")}. */\n");
            sb.append("    public static final long ").append(n).append("$ALIGNOF = ").append(m.info.align)
                    .append("L;\n");
            for (Member mem : m.struct.members) {
                sb.append("\n    /** {@code offsetof(struct ").append(m.struct.tag).append(", ")
                        .append(mem.designator).append(")}. */\n");
                sb.append("    public static final long ").append(n).append('$').append(mem.name).append("$OFFSET = ")
                        .append(m.info.members.get(mem.name).offset).append("L;\n");
            }
            sb.append("\n    /** The layout of {@code struct ").append(m.struct.tag).append("} on ").append(t.pkg)
                    .append(". */\n");
            sb.append("    public static final StructLayout ").append(n).append(" = ")
                    .append(layoutExpr(m.layout, "    ", built, true)).append(";\n");
        }
        sb.append("}\n");
        write(pkg, "Layouts", sb.toString());
    }

    static String javaValueType(String type) {
        return switch (type) {
            case "u8", "s8" -> "byte";
            case "u16", "s16" -> "short";
            case "u32", "s32" -> "int";
            case "u64", "s64" -> "long";
            case "ptr" -> "MemorySegment";
            default -> null;
        };
    }

    static String layoutClass(String type) {
        return switch (type) {
            case "u8", "s8" -> "ValueLayout.OfByte";
            case "u16", "s16" -> "ValueLayout.OfShort";
            case "u32", "s32" -> "ValueLayout.OfInt";
            case "u64", "s64" -> "ValueLayout.OfLong";
            case "ptr" -> "AddressLayout";
            default -> null;
        };
    }

    static String cType(String type) {
        String base = type.replaceFirst("\\[.*$", "");
        String arr = type.contains("[") ? type.substring(type.indexOf('[')) : "";
        String c = switch (base) {
            case "u8" -> "__u8";
            case "s8" -> "__s8";
            case "u16" -> "__u16";
            case "s16" -> "__s16";
            case "u32" -> "__u32";
            case "s32" -> "__s32";
            case "u64" -> "__u64";
            case "s64" -> "__s64";
            case "ptr" -> "void *";
            default -> base.startsWith("struct:") ? "struct " + base.substring(7) : base;
        };
        return c + "\u0000" + arr;
    }

    static String cDecl(Member m, Struct s) {
        String[] parts = cType(m.type).split("\u0000", -1);
        String typ = parts[0];
        return (typ.endsWith("*") ? typ : typ + " ") + m.designator + parts[1];
    }

    static void writeFacadeStruct(Struct s, Map<String, Map<String, Model>> models) throws IOException {
        Model x = models.get("x86_64").get(s.name);
        Model a = models.get("aarch64").get(s.name);
        String n = s.name;
        Set<String> imports = new java.util.TreeSet<>(List.of("dev.panamax.ffm.Arch", "java.lang.foreign.MemorySegment",
                "java.lang.foreign.SegmentAllocator", "java.lang.foreign.StructLayout"));
        StringBuilder body = new StringBuilder();
        boolean pathUsed = false;
        for (Member m : s.members) {
            String mn = m.name;
            Measured xm = x.info.members.get(mn);
            Measured am = a.info.members.get(mn);
            String where = xm.offset == am.offset ? "offset " + xm.offset
                    : "offset " + xm.offset + " on x86_64, " + am.offset + " on aarch64";
            String union = unionName(x, m);
            String decl = cDecl(m, s);
            String snippet = "    /**\n     * {@snippet lang=c :\n     * " + decl + "; // " + where + "\n     * }\n";
            if (m.flex()) {
                body.append("\n    private static final long ").append(mn).append("$OFFSET = X86_64\n")
                        .append("            ? ").append(BASE_PKG).append(".x86_64.Layouts.").append(n).append('$')
                        .append(mn).append("$OFFSET\n")
                        .append("            : ").append(BASE_PKG).append(".aarch64.Layouts.").append(n).append('$')
                        .append(mn).append("$OFFSET;\n\n");
                body.append(snippet).append("     * A flexible array member: it has no layout element and starts at this ")
                        .append("offset.\n     *\n     * @return the byte offset of {@code ").append(mn)
                        .append("}\n     */\n    public static long ").append(mn).append("$offset() {\n        return ")
                        .append(mn).append("$OFFSET;\n    }\n");
                continue;
            }
            pathUsed = true;
            String pathArgs = union == null ? "groupElement(\"" + mn + "\")"
                    : "groupElement(\"" + union + "\"), groupElement(\"" + mn + "\")";
            String vt = javaValueType(m.type);
            String lc = layoutClass(m.type);
            if (lc == null) {
                lc = m.type.contains("[") ? "SequenceLayout" : "GroupLayout";
                imports.add("java.lang.foreign." + lc);
            } else if (lc.equals("AddressLayout")) {
                imports.add("java.lang.foreign.AddressLayout");
            } else {
                imports.add("java.lang.foreign.ValueLayout");
            }
            body.append("\n    private static final ").append(lc).append(' ').append(mn).append("$LAYOUT =\n")
                    .append("            (").append(lc).append(") $LAYOUT.select(").append(pathArgs).append(");\n");
            body.append("\n").append(snippet).append("     *\n     * @return the layout of {@code ").append(mn)
                    .append("}\n     */\n    public static ").append(lc).append(' ').append(mn)
                    .append("$layout() {\n        return ").append(mn).append("$LAYOUT;\n    }\n");
            body.append("\n    private static final long ").append(mn).append("$OFFSET =\n")
                    .append("            $LAYOUT.byteOffset(").append(pathArgs).append(");\n");
            body.append("\n").append(snippet).append("     *\n     * @return the byte offset of {@code ").append(mn)
                    .append("} on this arch\n     */\n    public static long ").append(mn)
                    .append("$offset() {\n        return ").append(mn).append("$OFFSET;\n    }\n");
            if (vt != null) {
                body.append("\n").append(snippet).append("     *\n     * @param struct a segment holding a {@code struct ")
                        .append(s.tag).append("}\n     * @return the value of {@code ").append(mn)
                        .append("}\n     */\n    public static ").append(vt).append(' ').append(mn)
                        .append("(MemorySegment struct) {\n        return struct.get(").append(mn).append("$LAYOUT, ")
                        .append(mn).append("$OFFSET);\n    }\n");
                body.append("\n").append(snippet).append("     *\n     * @param struct     a segment holding a {@code struct ")
                        .append(s.tag).append("}\n     * @param fieldValue the value to store in {@code ").append(mn)
                        .append("}\n     */\n    public static void ").append(mn).append("(MemorySegment struct, ")
                        .append(vt).append(" fieldValue) {\n        struct.set(").append(mn).append("$LAYOUT, ")
                        .append(mn).append("$OFFSET, fieldValue);\n    }\n");
            } else {
                body.append("\n").append(snippet).append("     *\n     * @param struct a segment holding a {@code struct ")
                        .append(s.tag).append("}\n     * @return a slice of {@code struct} over {@code ").append(mn)
                        .append("}\n     */\n    public static MemorySegment ").append(mn)
                        .append("(MemorySegment struct) {\n        return struct.asSlice(").append(mn)
                        .append("$OFFSET, ").append(mn).append("$LAYOUT.byteSize());\n    }\n");
                body.append("\n").append(snippet).append("     *\n     * @param struct     a segment holding a {@code struct ")
                        .append(s.tag).append("}\n     * @param fieldValue the bytes to copy into {@code ").append(mn)
                        .append("} (exactly its size)\n     */\n    public static void ").append(mn)
                        .append("(MemorySegment struct, MemorySegment fieldValue) {\n        MemorySegment.copy(")
                        .append("fieldValue, 0L, struct, ").append(mn).append("$OFFSET, ").append(mn)
                        .append("$LAYOUT.byteSize());\n    }\n");
                String elemBase = m.type.replaceFirst("\\[.*$", "");
                String evt = javaValueType(elemBase);
                if (m.type.contains("[") && evt != null) {
                    String elc = layoutClass(elemBase);
                    if (!elc.equals("AddressLayout")) {
                        imports.add("java.lang.foreign.ValueLayout");
                    }
                    imports.add("java.util.Objects");
                    body.append("\n    private static final ").append(elc).append(' ').append(mn)
                            .append("$ELEMENT =\n            (").append(elc).append(") ").append(mn)
                            .append("$LAYOUT.elementLayout();\n");
                    body.append("\n").append(snippet).append("     *\n     * @param struct a segment holding a {@code struct ")
                            .append(s.tag).append("}\n     * @param index  the element index, checked against ")
                            .append(elementCount(m.type)).append("\n     * @return element {@code index} of {@code ")
                            .append(mn).append("}\n     */\n    public static ").append(evt).append(' ').append(mn)
                            .append("(MemorySegment struct, long index) {\n        Objects.checkIndex(index, ")
                            .append(mn).append("$LAYOUT.elementCount());\n        return struct.get(").append(mn)
                            .append("$ELEMENT, ").append(mn).append("$OFFSET + index * ").append(mn)
                            .append("$ELEMENT.byteSize());\n    }\n");
                    body.append("\n").append(snippet).append("     *\n     * @param struct     a segment holding a {@code struct ")
                            .append(s.tag).append("}\n     * @param index      the element index, checked against ")
                            .append(elementCount(m.type)).append("\n     * @param fieldValue the value to store\n")
                            .append("     */\n    public static void ").append(mn).append("(MemorySegment struct, long index, ")
                            .append(evt).append(" fieldValue) {\n        Objects.checkIndex(index, ").append(mn)
                            .append("$LAYOUT.elementCount());\n        struct.set(").append(mn).append("$ELEMENT, ")
                            .append(mn).append("$OFFSET + index * ").append(mn)
                            .append("$ELEMENT.byteSize(), fieldValue);\n    }\n");
                }
            }
        }
        if (pathUsed) {
            imports.add("static java.lang.foreign.MemoryLayout.PathElement.groupElement");
        }
        StringBuilder sb = new StringBuilder(header(String.join(" ", s.includes) + ", struct " + s.tag));
        sb.append("package ").append(BASE_PKG).append(";\n\n");
        sb.append("import dev.panamax.ffm.Arch;\n\n");
        for (String imp : imports) {
            if (imp.startsWith("java.")) {
                sb.append("import ").append(imp).append(";\n");
            }
        }
        for (String imp : imports) {
            if (imp.startsWith("static ")) {
                sb.append("\nimport ").append(imp).append(";\n");
            }
        }
        String sizes = x.info.size == a.info.size ? x.info.size + " bytes on x86_64 and aarch64"
                : x.info.size + " bytes on x86_64, " + a.info.size + " on aarch64";
        sb.append("\n/**\n").append(wrapComment(" * ", "{@code struct " + s.tag + "} of " + includeList(s.includes)
                + " (" + sizes + "), laid out for the running arch from {@link " + BASE_PKG + ".x86_64.Layouts#" + n
                + "} or {@link " + BASE_PKG + ".aarch64.Layouts#" + n + "}.")).append(" */\n");
        sb.append("public final class ").append(n).append(" {\n\n");
        sb.append("    private static final boolean X86_64 = Arch.current() == Arch.X86_64;\n\n");
        sb.append("    private static final StructLayout $LAYOUT = X86_64\n")
                .append("            ? ").append(BASE_PKG).append(".x86_64.Layouts.").append(n).append('\n')
                .append("            : ").append(BASE_PKG).append(".aarch64.Layouts.").append(n).append(";\n\n");
        sb.append("    private ").append(n).append("() {\n    }\n\n");
        sb.append("""
                    /**
                     * The layout of {@code struct %1$s} on this arch.
                     *
                     * @return the struct layout
                     */
                    public static StructLayout layout() {
                        return $LAYOUT;
                    }

                    /**
                     * {@code sizeof(struct %1$s)} on this arch.
                     *
                     * @return the size in bytes
                     */
                    public static long sizeof() {
                        return $LAYOUT.byteSize();
                    }

                    /**
                     * Allocates one zeroed {@code struct %1$s}.
                     *
                     * @param allocator where to allocate
                     * @return the new segment
                     */
                    public static MemorySegment allocate(SegmentAllocator allocator) {
                        return allocator.allocate($LAYOUT);
                    }

                    /**
                     * Allocates an array of {@code struct %1$s}.
                     *
                     * @param elementCount the number of structs
                     * @param allocator    where to allocate
                     * @return the new segment
                     */
                    public static MemorySegment allocateArray(long elementCount, SegmentAllocator allocator) {
                        return allocator.allocate($LAYOUT, elementCount);
                    }

                    /**
                     * The element {@code index} of an array of {@code struct %1$s}.
                     *
                     * @param array a segment holding an array of the struct
                     * @param index the element index
                     * @return a slice over that element
                     */
                    public static MemorySegment asSlice(MemorySegment array, long index) {
                        return array.asSlice($LAYOUT.byteSize() * index, $LAYOUT.byteSize());
                    }
                """.formatted(s.tag));
        sb.append(body).append("}\n");
        write(BASE_PKG, n, sb.toString());
    }

    static void writePackageInfos() throws IOException {
        for (Target t : TARGETS) {
            String pkg = BASE_PKG + "." + t.pkg;
            write(pkg, "package-info", header("package " + t.pkg) + "/**\n" + wrapComment(" * ", "The raw UAPI tables"
                    + " of " + t.pkg + ": one class per header group named like jextract names them ({@code fcntl_h},"
                    + " {@code unistd_h} for the {@code __NR_*} syscall numbers, ...) holding compile-time constants"
                    + " with the C names, and {@link " + pkg + ".Layouts} with every struct's size, alignment, member"
                    + " offsets and {@code StructLayout}. Everything here is generated; code outside the generated"
                    + " layer uses the arch-neutral facades of {@code " + BASE_PKG + "} instead.") + " */\npackage "
                    + pkg + ";\n");
        }
        write(BASE_PKG, "package-info", header("package uapi") + "/**\n" + wrapComment(" * ", "Arch-neutral,"
                + " generated Linux UAPI bindings in jextract's shape. Constant classes ({@code fcntl_h},"
                + " {@code io_uring_h}, ...) expose each C constant as a static method returning the value of the"
                + " running arch ({@link dev.panamax.ffm.Arch#current()}) from the per-arch tables in the"
                + " {@code x86_64} and {@code aarch64} subpackages; struct classes named as in C ({@code io_uring_sqe},"
                + " {@code epoll_event}, ...) offer {@code layout()}, {@code sizeof()}, {@code x$offset()},"
                + " {@code x$layout()} and accessors per member; {@link " + BASE_PKG + ".Syscalls} holds one lazily"
                + " linked holder per syscall. Names mirror C here on purpose; the hand-written layer above uses"
                + " Java names. Not exported.") + " */\npackage " + BASE_PKG + ";\n");
    }

    // ------------------------------------------------------------------------------------------------ Syscalls

    static final Map<String, String> MAN = Map.of("pread64", "pread", "pwrite64", "pwrite", "prlimit64", "getrlimit",
            "eventfd2", "eventfd", "epoll_pwait2", "epoll_wait", "epoll_pwait", "epoll_wait", "fadvise64",
            "posix_fadvise", "getcpu", "getcpu", "futex_waitv", "futex", "io_uring_enter", "io_uring_enter");

    static String man(String name) {
        String page = MAN.getOrDefault(name, name);
        if (name.startsWith("futex_")) {
            page = "futex";
        } else if (name.startsWith("pidfd_open")) {
            page = "pidfd_open";
        }
        return "https://man7.org/linux/man-pages/man2/" + page + ".2.html";
    }

    static void writeSyscalls() throws IOException {
        StringBuilder sb = new StringBuilder(header("syscalls"));
        sb.append("package ").append(BASE_PKG).append(";\n\n");
        sb.append("""
                import dev.panamax.ffm.internal.Native;

                import java.lang.foreign.FunctionDescriptor;
                import java.lang.foreign.MemoryLayout;
                import java.lang.foreign.MemorySegment;
                import java.lang.invoke.MethodHandle;

                /**
                 * Raw syscalls through {@code long syscall(long number, ...)}, one lazily linked holder per syscall (jextract
                 * shape). Each method takes the errno capture segment first ({@code ErrnoState.current()}) and returns the
                 * raw result: {@code -1} with errno in the capture segment on failure. The syscall number comes from
                 * {@link unistd_h} for the running arch; only syscalls that exist on both x86_64 and aarch64 are here.
                 *
                 * <p>Every integer argument travels as a C {@code long}: {@code syscall(2)} reads each variadic argument as a
                 * {@code long}, so a Java {@code int} is sign-extended for signed C types and zero-extended for unsigned ones
                 * (the kernel truncates both back to the declared type). Only calls that never block and are short are
                 * linked with {@code Linker.Option.critical}.
                 */
                public final class Syscalls {

                    private Syscalls() {
                    }
                """);
        for (Syscall s : SYSCALLS) {
            StringBuilder descArgs = new StringBuilder();
            for (Param p : s.params) {
                descArgs.append(", ").append(p.kind.equals("ptr") ? "Native.C_POINTER" : "Native.C_LONG");
            }
            sb.append("\n    private static final class ").append(s.name).append(" {\n");
            String desc = "        static final FunctionDescriptor DESC = FunctionDescriptor.of(Native.C_LONG"
                    + descArgs + ");";
            if (desc.length() > 120) {
                desc = "        static final FunctionDescriptor DESC = FunctionDescriptor.of(Native.C_LONG,\n"
                        + wrapArgs(descArgs.substring(2), "                ") + ");";
            }
            sb.append(desc).append('\n');
            sb.append("        static final MethodHandle HANDLE = Native.syscall(unistd_h.__NR_").append(s.name)
                    .append("(),\n                DESC.argumentLayouts().toArray(new MemoryLayout[0]), ")
                    .append(s.critical).append(");\n    }\n");
            // Javadoc
            sb.append("\n    /**\n     * {@snippet lang=c :\n");
            String cdecl = "long syscall(SYS_" + s.name + (s.params.isEmpty() ? "" : ", ")
                    + String.join(", ", s.params.stream().map(p -> p.cType + (p.cType.endsWith("*") ? "" : " ")
                    + p.name).toList()) + ");";
            for (String l : wrapC(cdecl)) {
                sb.append("     * ").append(l).append('\n');
            }
            sb.append("     * }\n");
            if (s.critical) {
                sb.append("     * Linked with {@code Linker.Option.critical(false)}: it never blocks, so it skips the "
                        + "thread-state\n     * transition; pass native (off-heap) segments only.\n");
            }
            sb.append("     *\n     * @param errnoState the errno capture segment of the calling thread\n");
            for (Param p : s.params) {
                sb.append("     * @param ").append(p.name).append(" {@code ").append(p.cType)
                        .append(p.cType.endsWith("*") ? "" : " ").append(p.name).append("}\n");
            }
            sb.append("     * @return the raw result, {@code -1} on failure with errno in {@code errnoState}\n");
            sb.append("     * @see <a href=\"").append(man(s.name)).append("\">").append(s.name).append("(2)</a>\n");
            sb.append("     */\n");
            StringBuilder sig = new StringBuilder("    public static long " + s.name + "(MemorySegment errnoState");
            for (Param p : s.params) {
                sig.append(", ").append(p.javaType()).append(' ').append(p.name);
            }
            sig.append(") {");
            sb.append(wrapSignature(sig.toString())).append('\n');
            StringBuilder call = new StringBuilder("errnoState");
            for (Param p : s.params) {
                call.append(", ");
                switch (p.kind) {
                    case "int" -> call.append("(long) ").append(p.name);
                    case "uint" -> call.append("Integer.toUnsignedLong(").append(p.name).append(')');
                    default -> call.append(p.name);
                }
            }
            String inv = "            return (long) " + s.name + ".HANDLE.invokeExact(" + call + ");";
            if (inv.length() > 120) {
                inv = "            return (long) " + s.name + ".HANDLE.invokeExact(\n"
                        + wrapArgs(call.toString(), "                    ") + ");";
            }
            sb.append("        try {\n").append(inv).append('\n')
                    .append("        } catch (Error | RuntimeException ex) {\n            throw ex;\n")
                    .append("        } catch (Throwable ex) {\n")
                    .append("            throw new AssertionError(\"should not reach here\", ex);\n        }\n    }\n");
        }
        sb.append("}\n");
        write(BASE_PKG, "Syscalls", sb.toString());
    }

    static String wrapArgs(String args, String indent) {
        StringBuilder sb = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        String[] parts = args.split(", ");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i] + (i == parts.length - 1 ? "" : ",");
            if (line.length() + p.length() + 1 > 118 && line.length() > indent.length()) {
                sb.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder(indent);
            }
            line.append(p).append(' ');
        }
        sb.append(line.toString().stripTrailing());
        return sb.toString();
    }

    static String wrapSignature(String sig) {
        if (sig.length() <= 120) {
            return sig;
        }
        // First parameters on the declaration line, the rest aligned 8 columns deeper (continuation indent).
        int open = sig.indexOf('(');
        String[] args = sig.substring(open + 1, sig.length() - 3).split(", ");
        StringBuilder sb = new StringBuilder(sig.substring(0, open + 1));
        StringBuilder line = sb;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            String a = args[i] + (i == args.length - 1 ? ") {" : ",");
            boolean first = line.charAt(line.length() - 1) == '(' || line.toString().isBlank();
            if (!first && line.length() + a.length() + 1 > 120) {
                all.append(line).append('\n');
                line = new StringBuilder("            ");
                first = true;
            }
            line.append(first ? "" : " ").append(a);
        }
        return all.append(line).toString();
    }

    static List<String> wrapC(String decl) {
        List<String> out = new ArrayList<>();
        if (decl.length() <= 110) {
            out.add(decl);
            return out;
        }
        StringBuilder line = new StringBuilder();
        for (String part : decl.split("(?<=,) ")) {
            if (line.length() + part.length() + 1 > 110 && !line.isEmpty()) {
                out.add(line.toString().stripTrailing());
                line = new StringBuilder("        ");
            }
            line.append(part).append(' ');
        }
        out.add(line.toString().stripTrailing());
        return out;
    }

    static {
        Locale.setDefault(Locale.ROOT);
    }
}
