/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * jcstress tests of the {@code dev.panamax.sync} primitives, one package per property family, plus negative
 * controls ({@code controls}) that must fail on every machine the suite runs on.
 *
 * <p>Conventions: each file is a {@code <Subject>Stress} class whose nested {@code @JCStressTest} variants share
 * the outcomes declared on it ({@code @JCStressMeta}); the file states the property in one line, how to run it, and
 * the results observed per architecture. Shared state is plain unless a comment says otherwise: the lock under
 * test is what orders it.
 */
package dev.panamax.jcstress;
