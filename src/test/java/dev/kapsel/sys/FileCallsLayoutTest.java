package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.CProgram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileCalls}' syscall numbers, flags and struct offsets against the C headers, and the resolution rules it relies on. */
class FileCallsLayoutTest {
    private static final String SOURCE = """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <stddef.h>
            #include <fcntl.h>
            #include <sys/syscall.h>
            #include <sys/stat.h>
            #include <sys/vfs.h>
            #include <sys/xattr.h>
            #include <linux/openat2.h>
            #include <linux/fs.h>
            #include <unistd.h>
            struct linux_dirent64 { unsigned long long d_ino; long long d_off; unsigned short d_reclen; unsigned char d_type; char d_name[]; };
            #define V(name, value) printf("%s=%lu\\n", name, (unsigned long)(value))
            #define S(n) V("SYS_" #n, SYS_##n)
            #define C(n) V(#n, n)
            int main(void) {
              S(lseek); S(pread64); S(pwrite64); S(fsync); S(fdatasync); S(ftruncate); S(fstatfs);
              S(setxattr); S(getxattr); S(listxattr); S(removexattr); S(getdents64); S(openat); S(mkdirat);
              S(mknodat); S(fchownat); S(newfstatat); S(unlinkat); S(linkat); S(symlinkat); S(readlinkat);
              S(fchmodat); S(utimensat); S(fallocate); S(renameat2); S(openat2); S(close);
              C(O_ACCMODE); C(O_APPEND); C(O_DIRECTORY); C(O_NOFOLLOW); C(O_PATH); C(O_DIRECT);
              C(O_SYNC); C(O_DSYNC); C(O_NOATIME);
              C(RESOLVE_NO_XDEV); C(RESOLVE_NO_MAGICLINKS); C(RESOLVE_NO_SYMLINKS); C(RESOLVE_BENEATH);
              printf("AT_FDCWD=%lu\\n", (unsigned long)(long)AT_FDCWD);
              C(AT_SYMLINK_NOFOLLOW); C(AT_REMOVEDIR); C(AT_SYMLINK_FOLLOW); C(AT_EMPTY_PATH);
              C(RENAME_NOREPLACE); C(RENAME_EXCHANGE); C(RENAME_WHITEOUT); C(XATTR_CREATE); C(XATTR_REPLACE);
              C(S_IFMT); C(S_IFDIR); C(S_IFREG); C(S_IFLNK); C(UTIME_NOW); C(UTIME_OMIT);
              C(SEEK_SET); C(SEEK_DATA); C(SEEK_HOLE);
              V("OPEN_HOW_SIZE", sizeof(struct open_how)); V("OPEN_HOW_FLAGS", offsetof(struct open_how, flags));
              V("OPEN_HOW_MODE", offsetof(struct open_how, mode)); V("OPEN_HOW_RESOLVE", offsetof(struct open_how, resolve));
              V("STAT_SIZE", sizeof(struct stat)); V("STAT_DEV", offsetof(struct stat, st_dev));
              V("STAT_INO", offsetof(struct stat, st_ino)); V("STAT_NLINK", offsetof(struct stat, st_nlink));
              V("STAT_MODE", offsetof(struct stat, st_mode)); V("STAT_UID", offsetof(struct stat, st_uid));
              V("STAT_GID", offsetof(struct stat, st_gid)); V("STAT_RDEV", offsetof(struct stat, st_rdev));
              V("STAT_SIZE_FIELD", offsetof(struct stat, st_size)); V("STAT_BLKSIZE", offsetof(struct stat, st_blksize));
              V("STAT_BLOCKS", offsetof(struct stat, st_blocks)); V("STAT_ATIME", offsetof(struct stat, st_atim));
              V("STAT_MTIME", offsetof(struct stat, st_mtim)); V("STAT_CTIME", offsetof(struct stat, st_ctim));
              V("STATFS_SIZE", sizeof(struct statfs)); V("STATFS_BSIZE", offsetof(struct statfs, f_bsize));
              V("STATFS_BLOCKS", offsetof(struct statfs, f_blocks)); V("STATFS_BFREE", offsetof(struct statfs, f_bfree));
              V("STATFS_BAVAIL", offsetof(struct statfs, f_bavail)); V("STATFS_FILES", offsetof(struct statfs, f_files));
              V("STATFS_FFREE", offsetof(struct statfs, f_ffree)); V("STATFS_NAMELEN", offsetof(struct statfs, f_namelen));
              V("STATFS_FRSIZE", offsetof(struct statfs, f_frsize));
              V("DIRENT64_INO", offsetof(struct linux_dirent64, d_ino)); V("DIRENT64_OFF", offsetof(struct linux_dirent64, d_off));
              V("DIRENT64_RECLEN", offsetof(struct linux_dirent64, d_reclen)); V("DIRENT64_TYPE", offsetof(struct linux_dirent64, d_type));
              V("DIRENT64_NAME", offsetof(struct linux_dirent64, d_name));
              return 0;
            }
            """;

    @Test
    void numbersFlagsAndLayoutsMatchTheHeaders(@TempDir Path dir) throws Exception {
        var printed = CProgram.printedValues(SOURCE, dir);
        // AT_FDCWD is negative: C printed its two's complement as unsigned long
        printed.put("AT_FDCWD", (long) FileCalls.AT_FDCWD);
        assertTrue(CProgram.assertConstantsMatch(printed, FileCalls.class) > 90);
    }

    @Test
    void openat2BeneathRefusesDotDotAndSymlinksOutOfTheRoot(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.writeString(dir.resolve("secret"), "outside");
        Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret"));
        Files.writeString(root.resolve("inside"), "in");
        try (Arena arena = Arena.ofConfined()) {
            int rootFd = FileCalls.openat2(FileCalls.AT_FDCWD, arena.allocateFrom(root.toString()),
                    FileCalls.O_PATH | FileCalls.O_DIRECTORY | Libc.O_CLOEXEC, 0, 0);
            assertTrue(rootFd >= 0, "open root: " + rootFd);
            long beneath = FileCalls.RESOLVE_BENEATH | FileCalls.RESOLVE_NO_MAGICLINKS | FileCalls.RESOLVE_NO_SYMLINKS;
            assertEquals(-Errno.EXDEV, FileCalls.openat2(rootFd, arena.allocateFrom("../secret"), Libc.O_RDONLY, 0, beneath));
            assertEquals(-Errno.ELOOP, FileCalls.openat2(rootFd, arena.allocateFrom("escape"), Libc.O_RDONLY, 0, beneath));
            int link = FileCalls.openat2(rootFd, arena.allocateFrom("escape"), FileCalls.O_PATH | FileCalls.O_NOFOLLOW, 0, beneath);
            assertTrue(link >= 0, "O_PATH|O_NOFOLLOW yields the link itself: " + link);
            MemorySegment target = arena.allocate(256);
            long n = FileCalls.readlinkat(link, arena.allocateFrom(""), target);
            assertEquals(dir.resolve("secret").toString(), new String(target.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
            int in = FileCalls.openat2(rootFd, arena.allocateFrom("inside"), Libc.O_RDONLY, 0, beneath);
            MemorySegment buf = arena.allocate(8);
            assertEquals(2, FileCalls.pread(in, buf, 0));
            MemorySegment st = arena.allocate(FileCalls.STAT_SIZE, 8);
            assertEquals(0, FileCalls.fstatat(in, arena.allocateFrom(""), st, FileCalls.AT_EMPTY_PATH));
            assertEquals(2, st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_SIZE_FIELD));
            assertEquals(FileCalls.S_IFREG, st.get(ValueLayout.JAVA_INT, FileCalls.STAT_MODE) & FileCalls.S_IFMT);
            assertEquals(-Errno.ENOENT, FileCalls.unlinkat(rootFd, arena.allocateFrom("missing"), 0));
            for (int fd : new int[] {in, link, rootFd}) {
                assertEquals(0, FileCalls.close(fd));
            }
        }
    }
}
