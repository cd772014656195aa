/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RequestPathTest {

    @Test
    void shouldDecodeToAPathBelowTheDirectoryWhenTheTargetIsPlain() throws HttpError {
        assertEquals("", RequestPath.relative("/"));
        assertEquals("a/b.txt", RequestPath.relative("/a/b.txt?download=1"));
        assertEquals("docs/", RequestPath.relative("/docs/"));
        assertEquals("with space.txt", RequestPath.relative("/with%20space.txt"));
        assertEquals("caf\u00e9", RequestPath.relative("/caf%C3%A9"));
        assertEquals("x..y/..z", RequestPath.relative("/x..y/..z"), "dots inside a name are fine");
        assertEquals("f.txt", RequestPath.relative("http://example.com/f.txt"), "absolute-form");
        assertEquals("", RequestPath.relative("http://example.com"));
    }

    @Test
    void shouldRefuseWhenTheTargetCouldNameSomethingOutsideTheDirectory() {
        for (String t : new String[] {"/..", "/../etc/passwd", "/a/../../b", "/a/..", "/%2e%2e/x", "/%2E%2E%2Fx",
            "/a%2f..%2f..%2fb", "/.%2e/x", "/./a", "/a/./b", "//etc/passwd", "/%2fetc/passwd", "/a%00b", "/%00",
            "*", "etc/passwd", "/a#frag", "/%zz", "/%4", "/%C3", "/%ff"}) {
            HttpError e = assertThrows(HttpError.class, () -> RequestPath.relative(t), t);
            assertEquals(400, e.status(), t);
        }
    }
}
