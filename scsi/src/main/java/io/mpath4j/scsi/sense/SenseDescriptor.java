package io.mpath4j.scsi.sense;

import static io.mpath4j.scsi.ScsiBytes.checkRange;

import io.mpath4j.scsi.Octets;

/**
 * Sense data descriptors (SPC-4 §4.5.2.1, table "Sense data descriptor types"). Fixed-format
 * sense data is decoded into the same descriptors (INFORMATION when VALID is set, COMMAND-SPECIFIC
 * INFORMATION when non-zero, sense-key specific when SKSV is set, FRU code when non-zero), so
 * callers see one shape whatever the format.
 */
public sealed interface SenseDescriptor {

    /** The descriptor type code. */
    int type();

    /** Type 00h (SPC-4 §4.5.2.2): e.g. the LBA of a medium error. */
    record Information(long value) implements SenseDescriptor {
        public int type() {
            return 0x00;
        }
    }

    /** Type 01h (SPC-4 §4.5.2.3). */
    record CommandSpecific(long value) implements SenseDescriptor {
        public int type() {
            return 0x01;
        }
    }

    /**
     * Type 02h (SPC-4 §4.5.2.4): the 3 sense-key specific bytes with SKSV set; their meaning
     * depends on the sense key (field pointer, progress indication, ...).
     */
    record SenseKeySpecific(int bytes) implements SenseDescriptor {
        public SenseKeySpecific {
            checkRange(bytes, 0x7F_FFFF, "sense-key specific bits");
        }

        public int type() {
            return 0x02;
        }

        /** Progress indication (NOT READY, NO SENSE): fraction of 65536 done. */
        public int progress() {
            return bytes & 0xFFFF;
        }
    }

    /** Type 03h (SPC-4 §4.5.2.5). */
    record FieldReplaceableUnit(int code) implements SenseDescriptor {
        public FieldReplaceableUnit {
            checkRange(code, 0xFF, "FRU code");
        }

        public int type() {
            return 0x03;
        }
    }

    /** Any other descriptor, kept raw: {@code data} is everything after the 2-byte header. */
    record Other(int type, Octets data) implements SenseDescriptor {
        public Other {
            checkRange(type, 0xFF, "descriptor type");
            checkRange(data.length(), 0xFF, "descriptor length");
        }
    }
}
