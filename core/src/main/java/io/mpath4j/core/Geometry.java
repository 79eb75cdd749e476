package io.mpath4j.core;

/**
 * Size and block sizes of a logical unit.
 *
 * @param sizeBytes capacity in bytes
 * @param logicalBlockSize smallest addressable unit (512 or 4096 typically)
 * @param physicalBlockSize smallest unit written without read-modify-write
 * @param optimalTransferSize preferred maximum request size in bytes, 0 if unknown
 */
public record Geometry(long sizeBytes, int logicalBlockSize, int physicalBlockSize, int optimalTransferSize) {
    public Geometry {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("negative size");
        }
        if (logicalBlockSize <= 0 || Integer.bitCount(logicalBlockSize) != 1) {
            throw new IllegalArgumentException("logical block size must be a power of two: " + logicalBlockSize);
        }
        if (physicalBlockSize < logicalBlockSize || physicalBlockSize % logicalBlockSize != 0) {
            throw new IllegalArgumentException("physical block size " + physicalBlockSize
                    + " is not a multiple of the logical block size " + logicalBlockSize);
        }
        if (optimalTransferSize < 0) {
            throw new IllegalArgumentException("negative optimal transfer size");
        }
    }

    public Geometry withSize(long newSize) {
        return new Geometry(newSize, logicalBlockSize, physicalBlockSize, optimalTransferSize);
    }
}
