package io.mpath4j.lab.target;

import io.mpath4j.iscsi.pdu.Pdu;

/**
 * A target PDU waiting for its sequence numbers, which only the connection's writer knows at the
 * moment it sends: StatSN (RFC 7143 §4.2.2.2, per connection) and ExpCmdSN/MaxCmdSN (§4.2.2.1,
 * per session, as of sending).
 */
@FunctionalInterface
interface Stamped {
    Pdu.TargetPdu build(int statSN, int expCmdSN, int maxCmdSN);
}
