/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code panamax} command: a parent for the subcommands {@code doctor}, {@code ladder}, {@code bench},
 * {@code serve} and {@code echo}.
 * Exit codes: 0 success, 1 failure, 2 bad arguments.
 */
@Command(name = "panamax",
        mixinStandardHelpOptions = true,
        versionProvider = Panamax.Version.class,
        description = "Linux kernel primitives for Java through the Panama FFM API.",
        subcommands = {DoctorCommand.class, LadderCommand.class, BenchCommand.class, ServeCommand.class,
            EchoCommand.class, CommandLine.HelpCommand.class},
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "Run 'panamax doctor' first: it says what this machine offers panamax and how to fix what "
                + "is missing."})
public final class Panamax implements Callable<Integer> {

    /** Exit code for success. */
    public static final int EXIT_OK = CommandLine.ExitCode.OK;
    /** Exit code when the command failed. */
    public static final int EXIT_FAILURE = CommandLine.ExitCode.SOFTWARE;
    /** Exit code for bad arguments. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command line without exiting: the entry point for tests.
     *
     * @param out where reports and help go
     * @param err where errors go
     * @param args the arguments
     * @return the exit code: 0 success, 1 failure, 2 bad arguments
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Builds the command line with panamax's error handling: one line per error, exit code 2 for bad arguments
     * and 1 for failures.
     *
     * @return the configured command line
     */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /** The command line with the subcommands {@code factory} makes: tests hand in a command to reach its hooks. */
    static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine cl = new CommandLine(new Panamax(), factory);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName();
            c.getErr().println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            String message = ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + message);
            return EXIT_FAILURE;
        });
        return cl;
    }

    /** Without a subcommand, prints the usage to stderr and returns 2: a bare 'panamax' names no command. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** Reads the version Maven wrote into version.properties at build time. */
    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] {"panamax " + version(), "JDK " + Runtime.version() + " ("
                    + System.getProperty("java.vendor", "?") + "), " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch")};
        }
    }

    /**
     * Returns the panamax version.
     *
     * @return the version, such as {@code 0.1.0-SNAPSHOT}, or {@code unknown} when the build did not record it
     */
    public static String version() {
        try (InputStream in = Panamax.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
