package io.mpath4j.scsi;

import java.util.HexFormat;

/** Test helper: hex strings with spaces, '#' comments and newlines, as sg3_utils' inhex files write them. */
public final class Hex {

    private Hex() {}

    public static byte[] b(String hex) {
        StringBuilder s = new StringBuilder();
        for (String line : hex.split("\n")) {
            int c = line.indexOf('#');
            s.append(c >= 0 ? line.substring(0, c) : line);
        }
        return HexFormat.of().parseHex(s.toString().replaceAll("\\s+", ""));
    }

    public static String s(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
