package io.mpath4j.iscsi.login;

import java.util.List;

/**
 * The result functions of RFC 7143 §6.2, as pure functions usable by either side: the acceptor's
 * {@link #answer} to an offer, and the originator's {@link #result} check of an answer.
 */
public final class NegotiationRules {

    private NegotiationRules() {}

    /** True for the special answers Reject, Irrelevant and NotUnderstood (§6.2). */
    public static boolean isSpecial(String value) {
        return value.equals(TextValues.REJECT) || value.equals(TextValues.IRRELEVANT)
                || value.equals(TextValues.NOT_UNDERSTOOD);
    }

    /**
     * What the acceptor answers to {@code offered}, given its own value or list of acceptable values
     * {@code local} (a list in order of preference for LIST keys).
     *
     * <ul>
     *   <li>LIST (§6.2.1): the first offered value that is also in {@code local}; none → Reject.
     *   <li>MIN / MAX (§6.2.2): min or max of offer and local; an offer out of range → Reject.
     *   <li>OR / AND: the boolean function of offer and local; a non-boolean offer → Reject.
     *   <li>DECLARATIVE: no answer ({@code null}).
     * </ul>
     */
    public static String answer(Key key, String offered, String local) {
        return switch (key.function()) {
            case DECLARATIVE -> null;
            case LIST -> {
                List<String> acceptable = TextValues.list(local);
                for (String v : TextValues.list(offered)) {
                    if (acceptable.contains(v)) {
                        yield v;
                    }
                }
                yield TextValues.REJECT;
            }
            case MIN, MAX -> {
                try {
                    long o = TextValues.number(key.wireName(), offered, key.min(), key.max());
                    long l = TextValues.number(key.wireName(), local, key.min(), key.max());
                    yield Long.toString(key.function() == Key.Function.MIN ? Math.min(o, l) : Math.max(o, l));
                } catch (NegotiationException e) {
                    yield TextValues.REJECT;
                }
            }
            case OR, AND -> {
                try {
                    boolean o = TextValues.bool(key.wireName(), offered);
                    boolean l = TextValues.bool(key.wireName(), local);
                    yield TextValues.bool(key.function() == Key.Function.OR ? o || l : o && l);
                } catch (NegotiationException e) {
                    yield TextValues.REJECT;
                }
            }
        };
    }

    /**
     * The negotiated value, from the originator's offer and the acceptor's answer; {@code null}
     * for Reject, Irrelevant and NotUnderstood (the key keeps its default, §6.2: "the negotiation
     * is not considered as failed because of the response being Irrelevant") and for an omitted
     * answer where the offer alone is not decisive.
     *
     * @param answer the acceptor's value, or {@code null} if it sent none
     * @throws NegotiationException an illegal answer: a value not offered (§6.2.1 "the selection of
     *     a value not proposed MUST be handled as a protocol error"), out of range, or not the
     *     result of the function (e.g. MaxBurstLength above the offer, or No to an OR offered as
     *     Yes)
     */
    public static String result(Key key, String offered, String answer) throws NegotiationException {
        String name = key.wireName();
        if (answer != null && isSpecial(answer)) {
            return null;
        }
        return switch (key.function()) {
            case DECLARATIVE -> throw new NegotiationException(name + " is declarative and answered with " + answer);
            case LIST -> {
                if (answer == null) {
                    yield null;
                }
                if (!TextValues.list(offered).contains(answer)) {
                    throw new NegotiationException(name + "=" + answer + " was not among the offered " + offered);
                }
                yield answer;
            }
            case MIN, MAX -> {
                if (answer == null) {
                    yield null;
                }
                long o = TextValues.number(name, offered, key.min(), key.max());
                long a = TextValues.number(name, answer, key.min(), key.max());
                if (key.function() == Key.Function.MIN ? a > o : a < o) {
                    throw new NegotiationException(name + "=" + a + " answers the offer " + o + " with a "
                            + (key.function() == Key.Function.MIN ? "larger" : "smaller") + " value; the result function is "
                            + key.function());
                }
                yield Long.toString(a);
            }
            case OR, AND -> {
                boolean o = TextValues.bool(name, offered);
                // §6.2.2: an answer is optional when the offer decides the result (OR with Yes, AND with No)
                boolean decided = key.function() == Key.Function.OR ? o : !o;
                if (answer == null) {
                    yield decided ? TextValues.bool(o) : null;
                }
                boolean a = TextValues.bool(name, answer);
                if (decided && a != o) {
                    throw new NegotiationException(name + "=" + answer + " answers " + offered + ", but the result of "
                            + key.function() + " with " + offered + " is " + offered);
                }
                yield TextValues.bool(a);
            }
        };
    }
}
