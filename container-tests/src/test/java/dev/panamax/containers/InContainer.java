/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.containers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs panamax code to completion in a container built from the local base image (host glibc + busybox, made by
 * {@code build-support/docker/ensure-dockerd.sh}), with the host JDK ({@code java.home}), the panamax jars and this
 * module's test classes bind-mounted read-only. Nothing is pulled: the image is local, and the surefire
 * configuration switches off Testcontainers' own helper containers.
 *
 * <p>Every container gets an explicit seccomp profile, allow-all unless a test denies syscalls: Docker's default
 * profile differs between versions (20.10 refuses mbind without CAP_SYS_NICE and does not know futex_wake; 25+
 * refuses io_uring), and the results must not depend on which dockerd CI has.
 */
final class InContainer {

    /** The base image; {@code -Dpanamax.baseImage=...} to use another. */
    static final String IMAGE = System.getProperty("panamax.baseImage", "panamax/jdkbase:1");
    static final String JDK = "/opt/jdk";
    static final String LIB = "/opt/panamax/lib";
    static final String TEST_CLASSES = "/opt/panamax/test-classes";
    /** Seccomp profile that allows every syscall. */
    static final String ALLOW_ALL = "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}";
    /** ENOSYS on x86_64 and aarch64, for {@link #denying(Integer, String...)}. */
    static final int ENOSYS = 38;
    /** The three io_uring syscalls a profile must allow (or deny) together. */
    static final String[] IO_URING = {"io_uring_setup", "io_uring_enter", "io_uring_register"};

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private InContainer() {
    }

    /** What one container run left behind. */
    record Result(long exitCode, boolean oomKilled, String stdout, String stderr) {

        /** The run's output for assertion messages. */
        String describe() {
            return "exit " + exitCode + (oomKilled ? " (OOM-killed)" : "") + "\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }

        /** The {@code key=value} lines a probe printed; a repeated key keeps its last value. */
        Map<String, String> facts() {
            Map<String, String> facts = new LinkedHashMap<>();
            stdout.lines().filter(l -> l.contains("=")).forEach(l -> facts.put(l.substring(0, l.indexOf('=')),
                    l.substring(l.indexOf('=') + 1)));
            return facts;
        }

        /** Parses stdout as one JSON object (what {@code --json} prints), failing with the whole output if not. */
        JsonNode json() {
            try {
                JsonNode root = JSON.readTree(stdout);
                assertTrue(root != null && root.isObject(), "no JSON object:\n" + describe());
                return root;
            } catch (IOException e) {
                return fail("printed no valid JSON (" + e.getMessage() + "):\n" + describe());
            }
        }

        /** Parses stdout as the JSON of {@code panamax doctor --json}. */
        JsonNode doctorJson() {
            JsonNode root = json();
            assertTrue(root.path("sections").isObject(), "no doctor JSON:\n" + describe());
            return root;
        }
    }

    /**
     * Fails, loudly, when Docker or the base image is missing: these tests exist to run in containers, and a
     * skipped run would look like a passed one. Called from each test class's {@code @BeforeAll}.
     */
    static void requireDockerAndBaseImage() {
        String host = System.getenv("DOCKER_HOST");
        assertTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker daemon answers ("
                + (host == null ? "DOCKER_HOST unset, tried unix:///var/run/docker.sock" : "DOCKER_HOST=" + host)
                + "): run "
                + "build-support/docker/ensure-dockerd.sh as root first, or skip this module explicitly with "
                + "-Dpanamax.containerTests.skip=true");
        DockerClient client = DockerClientFactory.instance().client();
        try {
            InspectImageResponse image = client.inspectImageCmd(IMAGE).exec();
            assertTrue(image.getId() != null, "image " + IMAGE + " has no id");
        } catch (NotFoundException e) {
            fail("base image " + IMAGE + " is missing (no registry is used, it is built locally): run "
                    + "build-support/docker/ensure-dockerd.sh as root first");
        }
        for (String dir : List.of(lib().toString(), testClasses().toString())) {
            assertTrue(Files.isDirectory(Path.of(dir)), dir + " is missing: run this module with 'verify' in the "
                    + "reactor (./build -pl container-tests -am verify), so that the panamax jars are built");
        }
    }

    /** The host directory holding panamax-cli, panamax-ffm-bindings and picocli (maven-dependency-plugin). */
    static Path lib() {
        return Path.of(System.getProperty("panamax.lib", "target/panamax-lib")).toAbsolutePath();
    }

    static Path testClasses() {
        return Path.of(System.getProperty("panamax.testClasses", "target/test-classes")).toAbsolutePath();
    }

    /**
     * A container with the JDK, the jars and the test classes mounted, the given seccomp profile and command.
     *
     * @param seccompJson the profile's JSON content (sent over the API, so no file is needed on the daemon's side)
     * @param command the command line
     */
    @SuppressWarnings("resource") // closed by run()
    static GenericContainer<?> container(String seccompJson, List<String> command) {
        return new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withFileSystemBind(System.getProperty("java.home"), JDK, BindMode.READ_ONLY)
                .withFileSystemBind(lib().toString(), LIB, BindMode.READ_ONLY)
                .withFileSystemBind(testClasses().toString(), TEST_CLASSES, BindMode.READ_ONLY)
                .withCreateContainerCmdModifier(c -> c.getHostConfig().withSecurityOpts(List.of("seccomp="
                        + seccompJson)))
                .withStartupCheckStrategy(new UntilExited().withTimeout(RUN_TIMEOUT))
                .withCommand(command.toArray(String[]::new));
    }

    /** {@code panamax doctor --json} plus {@code args}, run as the launcher runs it (module path). */
    static List<String> doctor(String... args) {
        return panamax("doctor", args);
    }

    /** {@code panamax ladder --json} plus {@code args}, run as the launcher runs it (module path). */
    static List<String> ladder(String... args) {
        return panamax("ladder", args);
    }

    private static List<String> panamax(String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JDK + "/bin/java", "--enable-native-access=dev.panamax.ffm",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-p", LIB, "-m",
                "dev.panamax.cli/dev.panamax.cli.Panamax", command, "--json"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A test main of this module on the class path, with the panamax jars. */
    static List<String> main(Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JDK + "/bin/java", "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-cp", TEST_CLASSES + ":" + LIB + "/*",
                mainClass.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * A seccomp profile allowing everything except {@code syscalls}, which fail with EPERM (Docker's default for
     * {@code SCMP_ACT_ERRNO} without {@code errnoRet}) or with the errno given.
     *
     * @param errnoRet the errno value, or {@code null} for EPERM
     * @param syscalls the syscall names
     */
    static String denying(Integer errnoRet, String... syscalls) {
        String names = Stream.of(syscalls).map(s -> "\"" + s + "\"").collect(Collectors.joining(","));
        return "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[" + names + "],"
                + "\"action\":\"SCMP_ACT_ERRNO\"" + (errnoRet == null ? "" : ",\"errnoRet\":" + errnoRet) + "}]}";
    }

    /** Starts the container, waits until its command has exited (any exit code), collects the result, removes it. */
    static Result run(GenericContainer<?> container) {
        try (GenericContainer<?> c = container) {
            c.start();
            InspectContainerResponse.ContainerState state = DockerClientFactory.instance().client()
                    .inspectContainerCmd(c.getContainerId()).exec().getState();
            Long exit = state.getExitCodeLong();
            return new Result(exit == null ? -1 : exit, Boolean.TRUE.equals(state.getOOMKilled()),
                    c.getLogs(OutputFrame.OutputType.STDOUT), c.getLogs(OutputFrame.OutputType.STDERR));
        }
    }

    /**
     * Start-up is complete once the command has exited; unlike {@code OneShotStartupCheckStrategy} a non-zero
     * exit code (an OOM kill, a failed probe) is a result to assert on, not a start-up failure.
     */
    static final class UntilExited extends StartupCheckStrategy {

        @Override
        public StartupStatus checkStartupState(DockerClient client, String containerId) {
            String status = getCurrentState(client, containerId).getStatus();
            return "exited".equals(status) || "dead".equals(status) ? StartupStatus.SUCCESSFUL
                    : StartupStatus.NOT_YET_KNOWN;
        }
    }
}
