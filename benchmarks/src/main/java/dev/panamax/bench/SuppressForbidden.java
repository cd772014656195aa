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
 * Exempts one benchmark peer from the native-access confinement rule (forbiddenapis honours any annotation with
 * this simple name). Only for peers that must measure what users would write instead of panamax, such as a raw
 * FFM downcall; the reason goes in {@link #value()}.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD})
public @interface SuppressForbidden {
    /** Why this peer needs the forbidden API. */
    String value();
}
