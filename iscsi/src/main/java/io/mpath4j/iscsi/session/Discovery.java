package io.mpath4j.iscsi.session;

import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.login.KeyValue;
import io.mpath4j.iscsi.login.NegotiationException;
import io.mpath4j.iscsi.login.SendTargets;
import io.mpath4j.iscsi.login.TextAssembler;
import io.mpath4j.iscsi.login.TextCodec;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.IscsiDecoder;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.iscsi.pdu.SerialNumber;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.List;

/**
 * SendTargets discovery (RFC 7143 §4.3, Appendix C): a discovery session (SessionType=Discovery),
 * one Text Request {@code SendTargets=All} (continued responses fetched with empty Text Requests
 * echoing the Target Transfer Tag, §11.10.4), a Logout, close.
 */
public final class Discovery {

    private Discovery() {}

    /**
     * The targets and portals the portal of {@code uri} reports (its CHAP credentials are used for
     * the discovery login). A target that reports no address gets the discovery portal (§C: "the
     * same address as the discovery session").
     */
    public static List<SendTargets.DiscoveredTarget> sendTargets(IscsiUri uri, IscsiOptions options)
            throws IOException {
        long deadline = System.nanoTime() + options.loginTimeout().toNanos();
        SocketChannel ch = IscsiSession.connect(uri, options);
        try {
            PduStream stream = new PduStream(ch, uri.authority());
            long isid = IscsiSession.randomIsid(new SecureRandom());
            Login.Result r = IscsiSession.login(stream, uri, options, null, isid, deadline);
            stream.setDecoder(new IscsiDecoder(IscsiDecoder.Receiver.INITIATOR, r.parameters().digests(),
                    r.parameters().initiatorMaxRecvDataSegmentLength()));
            int cmdSN = r.cmdSN();
            int expStatSN = r.expStatSN();
            int itt = 1;
            TextAssembler text = new TextAssembler();
            byte[] request = TextCodec.encode(List.of(SendTargets.request("All")));
            int ttt = Pdu.RESERVED_TAG;
            List<KeyValue> answer = null;
            for (int round = 0; round < 1024 && answer == null; round++) {
                stream.send(new Pdu.TextRequest(false, true, false, 0, itt, ttt, cmdSN, expStatSN,
                        round == 0 ? Bytes.of(request) : Bytes.EMPTY));
                cmdSN = SerialNumber.add(cmdSN, 1);
                Pdu p = stream.receive(deadline, "the SendTargets answer");
                if (!(p instanceof Pdu.TextResponse tr)) {
                    throw new IOException("discovery at " + uri.authority() + ": expected a Text Response, got "
                            + p.opcode());
                }
                expStatSN = SerialNumber.add(tr.statSN(), 1);
                ttt = tr.targetTransferTag();
                answer = text.append(tr.text(), tr.continueFlag() || !tr.finalPdu());
            }
            if (answer == null) {
                throw new IOException("discovery at " + uri.authority() + ": the SendTargets answer never ended");
            }
            List<SendTargets.DiscoveredTarget> targets = SendTargets.parse(answer);
            stream.send(new Pdu.LogoutRequest(true, Pdu.LogoutReason.CLOSE_SESSION, ++itt, 0, cmdSN, expStatSN));
            try {
                stream.receive(System.nanoTime() + 1_000_000_000L, "the Logout Response");
            } catch (IOException e) {
                // the answer is all we wanted
            }
            return targets;
        } catch (SocketTimeoutException e) {
            throw new IOException("discovery at " + uri.authority() + " timed out: " + e.getMessage(), e);
        } catch (NegotiationException e) {
            throw new IOException("discovery at " + uri.authority() + ": bad SendTargets answer: " + e.getMessage(), e);
        } finally {
            IscsiSession.closeQuietly(ch);
        }
    }
}
