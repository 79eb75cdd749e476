/**
 * Proof workloads: I/O through a {@link io.mpath4j.core.device.MultipathDevice} that checks every
 * block it reads against what was acknowledged, so that a fault run (the ITs, {@code mpath torture})
 * can tell "survived" from "lost or corrupted data". Not a transport and not an engine fixture.
 */
package io.mpath4j.core.verify;
