/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Durable storage on the kernel's own paths.
 *
 * <p>Conventions of this package:
 * <ul>
 *   <li>Every durability promise names its {@link dev.panamax.io.Durability} rung, and every rung is a distinct
 *       kernel path ({@code pwrite}, {@code fdatasync}, {@code fsync}, {@code O_DSYNC}, {@code O_DIRECT|O_DSYNC},
 *       {@code O_SYNC}); nothing is silently downgraded.</li>
 *   <li>I/O failures are checked {@link java.io.IOException}s ({@link dev.panamax.ffm.ErrnoException} when a
 *       syscall failed); misuse (bad sizes, closed objects) is an unchecked exception thrown before any native
 *       memory is touched.</li>
 *   <li>A failed flush is fatal for the file it was meant to make durable (the kernel may already have dropped
 *       the dirty pages and cleared the error, see the 2018 "fsyncgate" thread); nothing here retries one.</li>
 *   <li>On-disk integers are little-endian; checksums are CRC32C ({@link java.util.zip.CRC32C}).</li>
 * </ul>
 */
package dev.panamax.io;
