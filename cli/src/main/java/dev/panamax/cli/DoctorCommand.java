/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import dev.panamax.cli.doctor.Doctor;
import dev.panamax.cli.doctor.Report;
import dev.panamax.thread.HostFs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax doctor}: what this machine offers the library, and how to fix what is missing. */
@Command(name = "doctor",
        mixinStandardHelpOptions = true,
        versionProvider = Panamax.Version.class,
        description = {"Reports what this machine offers panamax: kernel, JDK, CPUs and topology, NUMA, huge pages, "
                + "io_uring, futex2, seccomp, cgroup limits, RLIMIT_MEMLOCK and O_DIRECT.",
                "Each line is marked OK (usable), NO (missing: the report says why and how to fix it), -- (a fact) "
                        + "or ?? (could not be determined, e.g. /sys hidden in a container)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report written (also when some facts are unknown)", "1:the report could not be written",
                "2:bad arguments"})
final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print the report as one JSON object instead of text.")
    boolean json;

    @Option(names = "--path", paramLabel = "DIR",
            description = "A directory whose O_DIRECT alignment to report; repeatable (default: . and /tmp).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--root", paramLabel = "DIR", hidden = true,
            description = "Read /proc and /sys under DIR instead of / (for tests and offline analysis).")
    Path root = Path.of("/");

    @Override
    public Integer call() {
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--path " + p + ": " + (Files.exists(p) ? "not a directory" : "no such directory"));
            }
        }
        List<Path> dirs = paths.isEmpty() ? List.of(Path.of("."), Path.of("/tmp")) : paths;
        Report report = new Doctor(new HostFs(root), dirs, Panamax.version()).examine();
        spec.commandLine().getOut().print(json ? report.toJson() : report.toText());
        spec.commandLine().getOut().flush();
        return Panamax.EXIT_OK;
    }
}
