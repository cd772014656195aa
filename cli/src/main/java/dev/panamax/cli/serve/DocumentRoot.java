/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.ffm.Statx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The served directory: opens request paths beneath it with {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)},
 * so that the kernel, while it resolves the path, refuses every step out of the directory: {@code ..} components,
 * absolute paths and symbolic links (relative or absolute) that lead outside, and {@code /proc} magic links. A check
 * of the path's text alone could not see symbolic links, and one done before opening would race with renames.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/openat2.2.html">openat2(2)</a>
 */
final class DocumentRoot implements AutoCloseable {

    /** What a request path names. */
    sealed interface Resolved permits File, Status {
    }

    /**
     * A regular file, open for reading; the receiver closes it.
     *
     * @param fd          the open file
     * @param size        its size when opened
     * @param contentType its type by extension
     */
    record File(Fd fd, long size, String contentType) implements Resolved {
    }

    /**
     * No file to send: the status to answer with.
     *
     * @param status   404, 403, 301 (a directory named without its slash) or 500
     * @param location for 301: where the directory is
     */
    record Status(int status, String location) implements Resolved {
    }

    private static final String INDEX = "index.html";
    private static final int DIRECTORY = -1; // openFile's status for a directory, never sent
    // O_NONBLOCK: opening a FIFO someone left in the directory would otherwise block the loop until a writer came.
    // sendfile ignores it on the file it reads (do_sendfile keeps SPLICE_F_NONBLOCK for the input disabled).
    private static final Set<OpenFlag> READ = EnumSet.of(OpenFlag.READ, OpenFlag.NONBLOCK);
    private static final Set<Fd.Resolve> BENEATH = EnumSet.of(Fd.Resolve.BENEATH, Fd.Resolve.NO_MAGICLINKS);
    private static final System.Logger LOG = System.getLogger("dev.panamax.cli.serve");

    private final Fd dir; // O_PATH: only a place to resolve from

    private DocumentRoot(Fd dir) {
        this.dir = dir;
    }

    /**
     * Opens the directory and checks that this kernel has {@code openat2} (Linux 5.6), without which nothing
     * beneath it could be opened safely.
     *
     * @param path the directory
     * @return the root
     * @throws IOException                   ErrnoException e.g. ENOENT or ENOTDIR for {@code path}
     * @throws UnsupportedOperationException when the kernel (or a seccomp filter) refuses openat2
     */
    static DocumentRoot open(Path path) throws IOException {
        Fd dir = Fd.open(path, EnumSet.of(OpenFlag.PATH, OpenFlag.DIRECTORY), 0);
        try {
            dir.openat2(".", EnumSet.of(OpenFlag.PATH), 0, BENEATH).close();
            return new DocumentRoot(dir);
        } catch (ErrnoException e) {
            dir.close();
            if (e.errno() == Errno.ENOSYS || e.errno() == Errno.EPERM) {
                throw new UnsupportedOperationException("serving files needs openat2 (Linux 5.6), which this kernel "
                        + "refuses: " + e.getMessage(), e);
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /**
     * Opens what {@code relative} names: the file, a directory's {@code index.html}, or the status to answer.
     *
     * @param relative a path from {@link RequestPath#relative}
     * @param target   the request-target, for a redirect's {@code Location}
     * @return the file (the caller closes its fd) or a status
     * @throws IOException ErrnoException from {@code statx} or {@code close}
     */
    Resolved resolve(String relative, String target) throws IOException {
        Resolved r = openFile(relative.isEmpty() ? "." : relative, relative);
        if (!(r instanceof Status s) || s.status() != DIRECTORY) {
            return r;
        }
        if (!relative.isEmpty() && !relative.endsWith("/")) {
            // Relative links in the directory's index resolve against the URL: send the client to the slash form.
            int query = target.indexOf('?');
            String location = query < 0 ? target + "/" : target.substring(0, query) + "/" + target.substring(query);
            return new Status(301, location);
        }
        Resolved index = openFile(relative + INDEX, INDEX);
        if (index instanceof Status missing && (missing.status() == 404 || missing.status() == DIRECTORY)) {
            return new Status(403, null); // no listing of directories
        }
        return index;
    }

    private Resolved openFile(String name, String typeName) throws IOException {
        Fd fd;
        try {
            fd = dir.openat2(name, READ, 0, BENEATH);
        } catch (ErrnoException e) {
            return new Status(statusOf(e), null);
        }
        boolean keep = false;
        try {
            Statx st = fd.statx();
            if (st.isRegularFile()) {
                keep = true;
                return new File(fd, st.size(), MimeTypes.of(typeName));
            }
            return new Status(st.isDirectory() ? DIRECTORY : 403, null); // FIFOs, sockets, devices: never sent
        } finally {
            if (!keep) {
                fd.close();
            }
        }
    }

    private static int statusOf(ErrnoException e) {
        return switch (e.errno()) {
            case ENOENT, ENOTDIR, ENAMETOOLONG -> 404;
            // EXDEV: RESOLVE_BENEATH refused a step out (a symbolic link leading outside); ELOOP: a magic link or a
            // loop; ENXIO: a Unix socket; EACCES/EPERM: no permission.
            case EXDEV, ELOOP, ENXIO, EACCES, EPERM -> 403;
            default -> {
                LOG.log(System.Logger.Level.WARNING, "opening a requested file failed", e);
                yield 500;
            }
        };
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }
}
