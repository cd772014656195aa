/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Negative controls: deliberately broken primitives whose broken outcomes are declared FORBIDDEN, so that jcstress
 * must report every test here FAILED. They prove the harness, run this way on this machine, can see the failures the
 * real tests look for; {@code run.sh} fails when one of them passes. Never use these classes outside this package.
 */
package dev.panamax.jcstress.controls;
