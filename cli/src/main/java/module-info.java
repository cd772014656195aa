/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The panamax command line: {@code panamax doctor} reports what this machine offers the library,
 * {@code panamax ladder DIR} what each durability rung costs on a file system, {@code panamax bench} runs the
 * JMH suites and writes a report, {@code panamax serve DIR} and {@code panamax echo} run the io module's example
 * servers (static files over HTTP/1.1 with sendfile; TCP echo on epoll or io_uring). Run it with
 * {@code ./panamax}, which puts this module and its dependencies on the module path and grants
 * {@code --enable-native-access=dev.panamax.ffm}.
 */
module dev.panamax.cli {
    requires dev.panamax.ffm;
    requires dev.panamax.io;
    requires transitive dev.panamax.sync;
    requires info.picocli;

    // picocli reads and writes the annotated option fields reflectively.
    opens dev.panamax.cli to info.picocli;

    exports dev.panamax.cli.bench;
    exports dev.panamax.cli.doctor;
    exports dev.panamax.cli.host;
}
