/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM that runs the benchmarks: its {@code java} executable, feature release and a description for reports.
 *
 * @param java the {@code java} executable
 * @param feature the feature release, such as 25; 0 when it could not be determined
 * @param description such as {@code JDK 25.0.3 (Eclipse Adoptium)}
 */
public record JavaRuntime(Path java, int feature, String description) {

    /** The oldest JDK that runs panamax: the FFM API is final from 22 on. */
    public static final int MINIMUM_FEATURE = 22;

    private static final Pattern VERSION = Pattern.compile("version \"(\\d+)[^\"]*\"");

    /**
     * Describes the JVM running this process.
     *
     * @return its {@code java} executable and version
     */
    public static JavaRuntime current() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new JavaRuntime(java, Runtime.version().feature(), "JDK " + Runtime.version() + " ("
                + System.getProperty("java.vendor", "unknown vendor") + "), " + java);
    }

    /**
     * Probes a {@code java} executable: reads the {@code release} file of its JDK, or else runs
     * {@code java -version}.
     *
     * @param java the executable
     * @return what it is
     * @throws IOException when it is missing, not executable, or says nothing about its version
     * @throws InterruptedException when interrupted while it runs
     */
    public static JavaRuntime probe(Path java) throws IOException, InterruptedException {
        if (!Files.isRegularFile(java) || !Files.isExecutable(java)) {
            throw new IOException("--jvm " + java + ": not an executable file");
        }
        Path home = java.toAbsolutePath().getParent() == null ? null : java.toAbsolutePath().getParent().getParent();
        Path release = home == null ? null : home.resolve("release");
        if (release != null && Files.isRegularFile(release)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(release)) {
                p.load(in);
            }
            String version = unquote(p.getProperty("JAVA_VERSION", ""));
            Matcher m = Pattern.compile("^(\\d+)").matcher(version);
            if (m.find()) {
                String vendor = unquote(p.getProperty("IMPLEMENTOR", ""));
                return new JavaRuntime(java, Integer.parseInt(m.group(1)), "JDK " + version
                        + (vendor.isEmpty() ? "" : " (" + vendor + ")") + ", " + java);
            }
        }
        Process process = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw new IOException("--jvm " + java + ": 'java -version' printed no version");
        }
        int feature = Integer.parseInt(m.group(1));
        return new JavaRuntime(java, feature == 1 ? 8 : feature, out.lines().findFirst().orElse("") + ", " + java);
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /**
     * Tells whether this JVM can run the benchmarks.
     *
     * @return true for JDK 22 or newer
     */
    public boolean supported() {
        return feature >= MINIMUM_FEATURE;
    }
}
