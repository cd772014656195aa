/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PanamaxTest {

    @TempDir
    Path tmp;

    /** Exit code, stdout and stderr of one in-process run. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Panamax.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldExitTwoWithOneLineWhenOptionIsUnknown() {
        Run r = run("doctor", "--jsn");
        assertEquals(2, r.code());
        assertEquals("panamax doctor: Unknown option: '--jsn' (see 'panamax doctor --help')\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void shouldExitTwoWhenCommandIsUnknown() {
        Run r = run("docter");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("docter"), r.err());
    }

    @Test
    void shouldExitTwoWhenPathIsMissingItsValue() {
        Run r = run("doctor", "--path");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--path"), r.err());
    }

    @Test
    void shouldExitTwoWhenPathDoesNotExist() {
        Run r = run("doctor", "--path", tmp.resolve("nope").toString());
        assertEquals(2, r.code());
        assertEquals("panamax doctor: --path " + tmp.resolve("nope") + ": no such directory (see 'panamax doctor "
                + "--help')\n", r.err());
    }

    @Test
    void shouldPrintUsageAndExitTwoWhenNoCommandIsGiven() {
        Run r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("Usage: panamax"), r.err());
        assertTrue(r.err().contains("doctor"), r.err());
    }

    @Test
    void shouldExitZeroWhenAskedForHelp() {
        Run top = run("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("doctor"), top.out());
        Run doctor = run("doctor", "--help");
        assertEquals(0, doctor.code());
        assertTrue(doctor.out().contains("--json") && doctor.out().contains("--path=DIR"), doctor.out());
        assertTrue(doctor.out().contains("Exit codes:"), doctor.out());
        assertEquals(0, run("help", "doctor").code());
    }

    @Test
    void shouldPrintVersionWhenAskedForIt() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("panamax "), r.out());
        assertTrue(r.out().contains("JDK " + Runtime.version().feature()), r.out());
    }

    @Test
    void shouldPrintOneJsonObjectWhenDoctorRunsWithJson() throws Exception {
        Run r = run("doctor", "--json", "--path", tmp.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertTrue(root.isObject());
        assertTrue(root.at("/sections/o_direct").size() == 1, r.out());
        assertEquals(r.out().strip().length(), r.out().length() - 1, "exactly one trailing newline");
    }

    @Test
    void shouldExitZeroWhenRootHasNoProcOrSys() {
        Run r = run("doctor", "--root", tmp.toString(), "--path", tmp.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("unknown (cannot read /proc/self/cgroup: no such file)"), r.out());
    }
}
