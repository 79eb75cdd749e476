/**
 * The fault proxy: a TCP proxy between an initiator and any target (tgt, nbdkit, the lab target)
 * that adds latency with jitter, limits bandwidth, blackholes, resets and half-opens connections on
 * command. The kernel on our machines has no netem, so this is how tests put delay and silent loss
 * between mpath4j and a real peer without root. Entry point: {@link io.mpath4j.lab.proxy.FaultProxy};
 * text control ({@code mpath lab proxy}'s stdin): {@link io.mpath4j.lab.proxy.ControlCommand}.
 */
package io.mpath4j.lab.proxy;
