package io.mpath4j.scsi.vpd;

import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;
import java.util.ArrayList;
import java.util.List;

/** Supported VPD Pages page, 00h (SPC-4 §7.8.14): the page codes, in ascending order. */
public record SupportedVpdPages(List<Integer> pages) {

    public SupportedVpdPages {
        pages = List.copyOf(pages);
        for (int p : pages) {
            checkRange(p, 0xFF, "page code");
        }
    }

    public boolean supports(int pageCode) {
        return pages.contains(pageCode);
    }

    public byte[] encode() {
        byte[] b = Vpd.page(Vpd.SUPPORTED_PAGES, pages.size());
        for (int i = 0; i < pages.size(); i++) {
            b[4 + i] = (byte) (int) pages.get(i);
        }
        return b;
    }

    public static SupportedVpdPages decode(byte[] b) throws ScsiFormatException {
        int end = Vpd.check(b, Vpd.SUPPORTED_PAGES, "Supported VPD Pages");
        List<Integer> pages = new ArrayList<>(end - 4);
        for (int i = 4; i < end; i++) {
            pages.add(u8(b, i));
        }
        return new SupportedVpdPages(pages);
    }
}
