package dev.kapsel.devices.virtio.fs;

import dev.kapsel.testing.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FuseAbi} against linux/fuse.h through gcc: every opcode, flag, size and offset. */
class FuseAbiTest {
    private static final String SOURCE = """
            #include <stdio.h>
            #include <stddef.h>
            #include <linux/fuse.h>
            #define V(name, value) printf("%s=%lu\\n", name, (unsigned long)(value))
            #define C(n) V(#n, n)
            #define SZ(name, s) V(name, sizeof(struct s))
            #define OFF(name, s, f) V(name, offsetof(struct s, f))
            int main(void) {
              C(FUSE_KERNEL_VERSION); C(FUSE_KERNEL_MINOR_VERSION); C(FUSE_ROOT_ID);
              C(FUSE_LOOKUP); C(FUSE_FORGET); C(FUSE_GETATTR); C(FUSE_SETATTR); C(FUSE_READLINK); C(FUSE_SYMLINK);
              C(FUSE_MKNOD); C(FUSE_MKDIR); C(FUSE_UNLINK); C(FUSE_RMDIR); C(FUSE_RENAME); C(FUSE_LINK); C(FUSE_OPEN);
              C(FUSE_READ); C(FUSE_WRITE); C(FUSE_STATFS); C(FUSE_RELEASE); C(FUSE_FSYNC); C(FUSE_SETXATTR);
              C(FUSE_GETXATTR); C(FUSE_LISTXATTR); C(FUSE_REMOVEXATTR); C(FUSE_FLUSH); C(FUSE_INIT); C(FUSE_OPENDIR);
              C(FUSE_READDIR); C(FUSE_RELEASEDIR); C(FUSE_FSYNCDIR); C(FUSE_ACCESS); C(FUSE_CREATE); C(FUSE_INTERRUPT);
              C(FUSE_DESTROY); C(FUSE_BATCH_FORGET); C(FUSE_FALLOCATE); C(FUSE_READDIRPLUS); C(FUSE_RENAME2); C(FUSE_LSEEK);
              C(FUSE_ASYNC_READ); C(FUSE_ATOMIC_O_TRUNC); C(FUSE_BIG_WRITES); C(FUSE_AUTO_INVAL_DATA); C(FUSE_DO_READDIRPLUS);
              C(FUSE_READDIRPLUS_AUTO); C(FUSE_PARALLEL_DIROPS); C(FUSE_MAX_PAGES);
              C(FATTR_MODE); C(FATTR_UID); C(FATTR_GID); C(FATTR_SIZE); C(FATTR_ATIME); C(FATTR_MTIME); C(FATTR_FH);
              C(FATTR_ATIME_NOW); C(FATTR_MTIME_NOW); C(FUSE_GETATTR_FH);
              SZ("IN_HEADER_SIZE", fuse_in_header); OFF("IN_HEADER_LEN", fuse_in_header, len);
              OFF("IN_HEADER_OPCODE", fuse_in_header, opcode); OFF("IN_HEADER_UNIQUE", fuse_in_header, unique);
              OFF("IN_HEADER_NODEID", fuse_in_header, nodeid); OFF("IN_HEADER_UID", fuse_in_header, uid);
              OFF("IN_HEADER_GID", fuse_in_header, gid); OFF("IN_HEADER_PID", fuse_in_header, pid);
              SZ("OUT_HEADER_SIZE", fuse_out_header);
              SZ("ATTR_SIZE", fuse_attr); SZ("ENTRY_OUT_SIZE", fuse_entry_out); OFF("ENTRY_OUT_ATTR", fuse_entry_out, attr);
              SZ("ATTR_OUT_SIZE", fuse_attr_out); OFF("ATTR_OUT_ATTR", fuse_attr_out, attr);
              SZ("OPEN_OUT_SIZE", fuse_open_out); SZ("WRITE_OUT_SIZE", fuse_write_out); SZ("STATFS_OUT_SIZE", fuse_statfs_out);
              SZ("GETXATTR_OUT_SIZE", fuse_getxattr_out); SZ("LSEEK_OUT_SIZE", fuse_lseek_out);
              SZ("INIT_IN_SIZE", fuse_init_in); SZ("INIT_OUT_SIZE", fuse_init_out); C(FUSE_COMPAT_22_INIT_OUT_SIZE);
              SZ("GETATTR_IN_SIZE", fuse_getattr_in); SZ("SETATTR_IN_SIZE", fuse_setattr_in);
              OFF("SETATTR_IN_FH", fuse_setattr_in, fh); OFF("SETATTR_IN_SIZE_FIELD", fuse_setattr_in, size);
              OFF("SETATTR_IN_ATIME", fuse_setattr_in, atime); OFF("SETATTR_IN_MTIME", fuse_setattr_in, mtime);
              OFF("SETATTR_IN_ATIMENSEC", fuse_setattr_in, atimensec); OFF("SETATTR_IN_MTIMENSEC", fuse_setattr_in, mtimensec);
              OFF("SETATTR_IN_MODE", fuse_setattr_in, mode); OFF("SETATTR_IN_UID", fuse_setattr_in, uid);
              OFF("SETATTR_IN_GID", fuse_setattr_in, gid);
              SZ("FORGET_IN_SIZE", fuse_forget_in); SZ("BATCH_FORGET_IN_SIZE", fuse_batch_forget_in);
              SZ("FORGET_ONE_SIZE", fuse_forget_one); SZ("MKNOD_IN_SIZE", fuse_mknod_in); SZ("MKDIR_IN_SIZE", fuse_mkdir_in);
              SZ("RENAME_IN_SIZE", fuse_rename_in); SZ("RENAME2_IN_SIZE", fuse_rename2_in); SZ("LINK_IN_SIZE", fuse_link_in);
              SZ("OPEN_IN_SIZE", fuse_open_in); SZ("CREATE_IN_SIZE", fuse_create_in); SZ("READ_IN_SIZE", fuse_read_in);
              SZ("WRITE_IN_SIZE", fuse_write_in); SZ("RELEASE_IN_SIZE", fuse_release_in); SZ("FLUSH_IN_SIZE", fuse_flush_in);
              SZ("FSYNC_IN_SIZE", fuse_fsync_in); V("SETXATTR_IN_SIZE", FUSE_COMPAT_SETXATTR_IN_SIZE);
              SZ("GETXATTR_IN_SIZE", fuse_getxattr_in); SZ("ACCESS_IN_SIZE", fuse_access_in);
              SZ("FALLOCATE_IN_SIZE", fuse_fallocate_in); SZ("LSEEK_IN_SIZE", fuse_lseek_in);
              SZ("INTERRUPT_IN_SIZE", fuse_interrupt_in); C(FUSE_NAME_OFFSET);
              return 0;
            }
            """;

    @Test
    void everyConstantMatchesTheHeader(@TempDir Path dir) throws Exception {
        CProgram.assertConstantsMatch(CProgram.printedValues(SOURCE, dir), FuseAbi.class);
    }
}
