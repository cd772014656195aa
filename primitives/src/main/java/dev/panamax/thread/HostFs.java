/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code /proc} and {@code /sys} files of a host, seen from a root directory: {@code /} on a real machine, a
 * temporary directory holding a fake tree in tests. Every method takes the absolute path the kernel documents
 * ({@code "/sys/devices/system/cpu/online"}) and every failure is a {@link HostFileException} that names that path,
 * so callers can report "cannot read /sys/..." without knowing where the tree really lives.
 */
public final class HostFs {

    /** Pseudo files are small; a bound keeps a broken or hostile tree from exhausting the heap. */
    private static final long MAX_FILE_BYTES = 1L << 20;

    private final Path root;

    /**
     * Creates a view of the tree under {@code root}.
     *
     * @param root the directory that plays {@code /}
     */
    public HostFs(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * Returns the view of this machine's own {@code /proc} and {@code /sys}.
     *
     * @return the host file system rooted at {@code /}
     */
    public static HostFs real() {
        return new HostFs(Path.of("/"));
    }

    /**
     * Returns the directory that plays {@code /}.
     *
     * @return the root
     */
    public Path root() {
        return root;
    }

    /**
     * Maps a documented absolute path onto this tree.
     *
     * @param absolute an absolute path such as {@code /proc/self/status}
     * @return the path under the root
     * @throws IllegalArgumentException when the path is not absolute
     */
    public Path resolve(String absolute) {
        if (!absolute.startsWith("/")) {
            throw new IllegalArgumentException("host path must be absolute: " + absolute);
        }
        return root.resolve(absolute.substring(1));
    }

    /**
     * Tells whether the file or directory exists.
     *
     * @param absolute the documented absolute path
     * @return true when it exists
     */
    public boolean exists(String absolute) {
        return Files.exists(resolve(absolute));
    }

    /**
     * Reads a whole file as text.
     *
     * @param absolute the documented absolute path
     * @return its contents
     * @throws HostFileException when it is missing, unreadable or larger than 1 MiB
     */
    public String read(String absolute) throws HostFileException {
        Path file = resolve(absolute);
        try {
            if (Files.isDirectory(file)) {
                throw new HostFileException(absolute, "is a directory");
            }
            byte[] bytes;
            try (var in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            }
            if (bytes.length > MAX_FILE_BYTES) {
                throw new HostFileException(absolute, "larger than " + MAX_FILE_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw wrap(absolute, e);
        }
    }

    /**
     * Reads the first line of a file, trimmed: the shape of most sysfs attributes.
     *
     * @param absolute the documented absolute path
     * @return the first line without surrounding white space (empty for an empty file)
     * @throws HostFileException when it is missing or unreadable
     */
    public String readLine(String absolute) throws HostFileException {
        String text = read(absolute);
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).trim();
    }

    /**
     * Reads a file as lines.
     *
     * @param absolute the documented absolute path
     * @return its lines, without line terminators
     * @throws HostFileException when it is missing or unreadable
     */
    public List<String> lines(String absolute) throws HostFileException {
        return read(absolute).lines().toList();
    }

    /**
     * Reads a sysfs attribute holding one decimal integer.
     *
     * @param absolute the documented absolute path
     * @return the value
     * @throws HostFileException when it is missing, unreadable or not an integer
     */
    public long readLong(String absolute) throws HostFileException {
        String line = readLine(absolute);
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new HostFileException(absolute, "not an integer: '" + line + "'");
        }
    }

    /**
     * Lists the names in a directory that match a glob, sorted so that {@code cpu2} comes before {@code cpu10}.
     *
     * @param absolute the documented absolute path of the directory
     * @param glob a glob such as {@code cpu[0-9]*}
     * @return the matching names in natural order
     * @throws HostFileException when the directory is missing or unreadable
     */
    public List<String> list(String absolute, String glob) throws HostFileException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(resolve(absolute), glob)) {
            for (Path p : dir) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw wrap(absolute, e);
        }
        names.sort(HostFs::compareNatural);
        return names;
    }

    /** Orders names by their non-digit prefix, then by their number: node2 before node10. */
    static int compareNatural(String a, String b) {
        int ia = firstDigit(a);
        int ib = firstDigit(b);
        int c = a.substring(0, ia).compareTo(b.substring(0, ib));
        if (c != 0) {
            return c;
        }
        String na = a.substring(ia);
        String nb = b.substring(ib);
        if (na.chars().allMatch(Character::isDigit) && nb.chars().allMatch(Character::isDigit)
                && !na.isEmpty() && !nb.isEmpty() && na.length() < 19 && nb.length() < 19) {
            return Long.compare(Long.parseLong(na), Long.parseLong(nb));
        }
        return na.compareTo(nb);
    }

    private static int firstDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                return i;
            }
        }
        return s.length();
    }

    private static HostFileException wrap(String absolute, IOException e) {
        if (e instanceof HostFileException h) {
            return h;
        }
        String why;
        if (e instanceof NoSuchFileException) {
            why = "no such file";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof NotDirectoryException) {
            why = "not a directory";
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        HostFileException wrapped = new HostFileException(absolute, why);
        wrapped.initCause(e);
        return wrapped;
    }
}
