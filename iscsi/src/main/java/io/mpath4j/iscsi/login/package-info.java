/**
 * Login and text negotiation (RFC 7143 §6, §12, §13) as pure code: the key=value text format
 * ({@link io.mpath4j.iscsi.login.TextCodec}, {@link io.mpath4j.iscsi.login.TextValues}), text
 * continued across PDUs ({@link io.mpath4j.iscsi.login.TextAssembler}), the keys and their result
 * functions ({@link io.mpath4j.iscsi.login.Key}, {@link io.mpath4j.iscsi.login.NegotiationRules}),
 * the initiator's negotiation state ({@link io.mpath4j.iscsi.login.InitiatorNegotiation}) and its
 * result ({@link io.mpath4j.iscsi.login.SessionParameters}), SendTargets discovery answers
 * ({@link io.mpath4j.iscsi.login.SendTargets}), and CHAP ({@link io.mpath4j.iscsi.login.Chap},
 * {@link io.mpath4j.iscsi.login.ChapInitiator}). Peer input errors are {@link
 * io.mpath4j.iscsi.login.NegotiationException} (CHAP failures its subclass {@link
 * io.mpath4j.iscsi.login.ChapException}). No sockets, threads or clocks; randomness is injected.
 */
package io.mpath4j.iscsi.login;
