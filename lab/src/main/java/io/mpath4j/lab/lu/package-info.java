/**
 * The SCSI side of the lab target: logical units over memory or file backstores, ALUA target port
 * groups, persistent reservations, unit attentions and per-LUN faults. Pure of any transport; the
 * iSCSI side hands it {@link io.mpath4j.lab.lu.ScsiTask}s through {@link io.mpath4j.lab.lu.TaskExecutor}.
 */
package io.mpath4j.lab.lu;
