/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

/**
 * A verified record read back from a {@link DurableLog}.
 *
 * @param sequence the sequence number {@link DurableLog#append} returned for it
 * @param payload  a copy of the bytes appended (the array is the caller's to keep)
 */
public record LogRecord(long sequence, byte[] payload) {
}
