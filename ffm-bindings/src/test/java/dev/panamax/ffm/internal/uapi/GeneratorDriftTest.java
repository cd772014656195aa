/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the generator into a temporary directory and fails on any difference from the committed sources, so a
 * hand edit of generated code, or a spec change without regeneration, cannot pass the build.
 *
 * <p>Needs gcc, aarch64-linux-gnu-gcc and the pinned headers in the cache that {@code fetch-headers.sh} fills
 * ({@code ffm-bindings/generator/ci-prereqs.sh} installs all three). Without them the test is skipped, except
 * when {@code CI=true}: there a missing prerequisite fails the build, since a silent skip would let drift in.
 */
class GeneratorDriftTest {

    private static final boolean CI = "true".equals(System.getenv("CI"));

    @TempDir
    Path tmp;

    @Test
    void shouldReproduceCommittedSourcesWhenRegenerating() throws Exception {
        Path module = moduleDir();
        Path generator = module.resolve("generator");
        requirePrerequisite(onPath("gcc"), "gcc is not on the PATH");
        requirePrerequisite(onPath("aarch64-linux-gnu-gcc"), "aarch64-linux-gnu-gcc is not on the PATH");
        Result headers = run(List.of("bash", generator.resolve("fetch-headers.sh").toString(), "--check"), module);
        requirePrerequisite(headers.rc == 0, "pinned headers not cached: " + headers.err.strip());

        Path out = tmp.resolve("java");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Result gen = run(List.of(java, generator.resolve("Generate.java").toString(),
                "--spec", generator.resolve("uapi.spec").toString(),
                "--lock", generator.resolve("headers.lock").toString(),
                "--headers", headers.out.strip(), "--out", out.toString()), module);
        assertEquals(0, gen.rc, () -> "generator failed:\n" + gen.err);

        Path committed = module.resolve("src/main/java");
        Map<String, String> expected = generatedFiles(out);
        Map<String, String> actual = generatedFiles(committed);
        assertTrue(expected.size() > 50, "the generator wrote only " + expected.keySet());
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String have = actual.get(e.getKey());
            if (have == null) {
                problems.add("missing in the tree: " + e.getKey());
            } else if (!have.equals(e.getValue())) {
                problems.add("differs: " + e.getKey() + firstDifference(e.getValue(), have));
            }
        }
        for (String name : actual.keySet()) {
            if (!expected.containsKey(name)) {
                problems.add("not generated any more: " + name);
            }
        }
        if (!problems.isEmpty()) {
            fail("generated sources drifted from ffm-bindings/generator (run ffm-bindings/generator/regenerate.sh):\n"
                    + String.join("\n", problems));
        }
    }

    private static void requirePrerequisite(boolean present, String reason) {
        if (CI && !present) {
            fail("CI=true but the generator prerequisite is missing (run ffm-bindings/generator/ci-prereqs.sh): "
                    + reason);
        }
        assumeTrue(present, reason);
    }

    /** Files the generator owns: Errno.java and the uapi packages. */
    private static Map<String, String> generatedFiles(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        Path errno = root.resolve("dev/panamax/ffm/Errno.java");
        if (Files.exists(errno)) {
            files.put(root.relativize(errno).toString(), Files.readString(errno));
        }
        Path uapi = root.resolve("dev/panamax/ffm/internal/uapi");
        if (Files.isDirectory(uapi)) {
            try (Stream<Path> walk = Files.walk(uapi)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    files.put(root.relativize(p).toString(), Files.readString(p));
                }
            }
        }
        return files;
    }

    private static String firstDifference(String want, String have) {
        String[] w = want.split("\n", -1);
        String[] h = have.split("\n", -1);
        for (int i = 0; i < Math.max(w.length, h.length); i++) {
            String a = i < w.length ? w[i] : "<end of file>";
            String b = i < h.length ? h[i] : "<end of file>";
            if (!a.equals(b)) {
                return " at line " + (i + 1) + ":\n    generated: " + a + "\n    committed: " + b;
            }
        }
        return "";
    }

    private static Path moduleDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        if (Files.isDirectory(dir.resolve("generator"))) {
            return dir;
        }
        return dir.resolve("ffm-bindings");
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private record Result(int rc, String out, String err) {
    }

    private static Result run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile("panamax-gen", ".out");
        Path err = Files.createTempFile("panamax-gen", ".err");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish within 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
