/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exempts a benchmark peer from the forbidden-API check (forbiddenapis honours any annotation of this simple name):
 * only for peers that measure what users would otherwise call directly, such as glibc {@code malloc}.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD})
public @interface SuppressForbidden {
    /**
     * Why the exemption is needed.
     *
     * @return the reason
     */
    String reason();
}
