package io.mpath4j.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FuseAbiTest {

    @Test
    void layoutsHaveTheSizesOfTheCStructsOnX8664() {
        assertThat(FuseAbi.STAT.byteSize()).isEqualTo(144);      // sizeof(struct stat)
        assertThat(FuseAbi.STATVFS.byteSize()).isEqualTo(112);   // sizeof(struct statvfs)
        assertThat(FuseAbi.FILE_INFO.byteSize()).isEqualTo(40);  // sizeof(struct fuse_file_info), 3.14
        assertThat(FuseAbi.FUSE_ARGS.byteSize()).isEqualTo(24);  // sizeof(struct fuse_args)
        assertThat(FuseAbi.FUSE_OPERATIONS_SIZE).isEqualTo(42 * 8);
        assertThat(FuseAbi.offset(FuseAbi.STAT, "st_size")).isEqualTo(48);
        assertThat(FuseAbi.offset(FuseAbi.STAT, "st_mtime")).isEqualTo(88);
        assertThat(FuseAbi.FI_FH).isEqualTo(16);
        assertThat(FuseAbi.Op.READ.offset()).isEqualTo(13 * 8);
        assertThat(FuseAbi.Op.FALLOCATE.offset()).isEqualTo(39 * 8);
        assertThat(FuseAbi.Op.INIT.offset()).isEqualTo(27 * 8);
        assertThat(FuseAbi.CONN_INFO.byteSize()).isEqualTo(128);  // sizeof(struct fuse_conn_info)
        assertThat(FuseAbi.offset(FuseAbi.CONN_INFO, "max_background")).isEqualTo(28);
        assertThat(FuseAbi.offset(FuseAbi.CONN_INFO, "congestion_threshold")).isEqualTo(32);
    }

    @Test
    void mountinfoLinesGiveMountPointDeviceMinorAndType() {
        var m = FuseMounts.parse("612 33 0:52 / /tmp/a\\040b rw,nosuid,nodev,relatime shared:300 - fuse.mpath4j mpath4j rw,user_id=0");
        assertThat(m.mountPoint()).isEqualTo(Path.of("/tmp/a b"));
        assertThat(m.minor()).isEqualTo(52);
        assertThat(m.isFuse()).isTrue();
        var ext4 = FuseMounts.parse("29 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw");
        assertThat(ext4.isFuse()).isFalse();
    }
}
