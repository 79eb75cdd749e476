package io.mpath4j.nbd.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * A flag of one of proto.md's bit fields (handshake, client, transmission, command, reply flags):
 * each field is an enum of its defined bits implementing this interface, and the helpers below
 * work on any of them, so the five enums only name their bits.
 */
public interface BitFlag {

    /** Bit number (0 is the least significant bit of the field, in network byte order). */
    int bit();

    /** The value of this flag in the field. */
    default int mask() {
        return 1 << bit();
    }

    /** True if this flag is set in {@code field}. */
    default boolean in(int field) {
        return (field & mask()) != 0;
    }

    /** The field with exactly the given flags set. */
    @SafeVarargs
    static <E extends Enum<E> & BitFlag> int maskOf(E... flags) {
        int m = 0;
        for (E f : flags) {
            m |= f.mask();
        }
        return m;
    }

    /** The known flags of {@code type} set in {@code field}; unknown bits are ignored. */
    static <E extends Enum<E> & BitFlag> Set<E> setOf(Class<E> type, int field) {
        EnumSet<E> s = EnumSet.noneOf(type);
        for (E f : type.getEnumConstants()) {
            if (f.in(field)) {
                s.add(f);
            }
        }
        return s;
    }

    /** The bits of {@code field} that are not flags of {@code type}. */
    static <E extends Enum<E> & BitFlag> int unknownBits(Class<E> type, int field) {
        return field & ~maskOf(type.getEnumConstants());
    }
}
