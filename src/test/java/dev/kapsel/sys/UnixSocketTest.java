package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.CProgram;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketTest {
    private static final String LAYOUT = """
            #include <stdio.h>
            #include <stddef.h>
            #include <sys/socket.h>
            #include <sys/un.h>
            #include <sys/uio.h>
            #define V(name, value) printf("%s=%lu\\n", name, (unsigned long)(value))
            int main(void) {
              struct sockaddr_un un;
              union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } control;
              V("SOCKADDR_UN_SIZE", sizeof(struct sockaddr_un));
              V("SUN_PATH_OFFSET", offsetof(struct sockaddr_un, sun_path));
              V("SUN_PATH_SIZE", sizeof(un.sun_path));
              V("MSGHDR_SIZE", sizeof(struct msghdr));
              V("MSG_IOV", offsetof(struct msghdr, msg_iov));
              V("MSG_IOVLEN", offsetof(struct msghdr, msg_iovlen));
              V("MSG_CONTROL", offsetof(struct msghdr, msg_control));
              V("MSG_CONTROLLEN", offsetof(struct msghdr, msg_controllen));
              V("IOVEC_SIZE", sizeof(struct iovec));
              V("IOV_BASE", offsetof(struct iovec, iov_base));
              V("IOV_LEN", offsetof(struct iovec, iov_len));
              V("CMSG_LEVEL", offsetof(struct cmsghdr, cmsg_level));
              V("CMSG_TYPE", offsetof(struct cmsghdr, cmsg_type));
              V("CMSG_DATA_OFFSET", (unsigned char *) CMSG_DATA(&control.h) - (unsigned char *) &control.h);
              V("CMSG_LEN_ONE_FD", CMSG_LEN(sizeof(int)));
              V("CMSG_SPACE_ONE_FD", CMSG_SPACE(sizeof(int)));
              V("AF_UNIX", AF_UNIX);
              V("SOCK_STREAM", SOCK_STREAM);
              V("SOCK_CLOEXEC", SOCK_CLOEXEC);
              V("SOL_SOCKET", SOL_SOCKET);
              V("SCM_RIGHTS", SCM_RIGHTS);
              return 0;
            }
            """;

    /** Listens at argv[1], takes one descriptor and its message, and writes the message into that descriptor. */
    private static final String RECEIVER = """
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            #include <sys/socket.h>
            #include <sys/un.h>
            int main(int argc, char **argv) {
              int s = socket(AF_UNIX, SOCK_STREAM, 0);
              struct sockaddr_un a = { .sun_family = AF_UNIX };
              strncpy(a.sun_path, argv[1], sizeof(a.sun_path) - 1);
              if (bind(s, (struct sockaddr *) &a, sizeof(a)) < 0 || listen(s, 1) < 0) { perror("bind"); return 1; }
              printf("listening\\n");
              fflush(stdout);
              int c = accept(s, NULL, NULL);
              char data[64];
              union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } control;
              struct iovec iov = { data, sizeof(data) };
              struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
              ssize_t n = recvmsg(c, &m, 0);
              struct cmsghdr *h = CMSG_FIRSTHDR(&m);
              if (n <= 0 || h == NULL || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) { printf("no descriptor\\n"); return 2; }
              int fd;
              memcpy(&fd, CMSG_DATA(h), sizeof(fd));
              if (write(fd, data, n) != n) { perror("write"); return 3; }
              printf("received %zd bytes\\n", n);
              return 0;
            }
            """;

    @Test
    void layoutAndConstantsMatchTheHeaders(@TempDir Path dir) throws Exception {
        assertEquals(21, CProgram.assertConstantsMatch(CProgram.printedValues(LAYOUT, dir), UnixSocket.class));
    }

    @Test
    void theReceiverGetsAWorkingDescriptorAndTheData(@TempDir Path dir) throws Exception {
        Path exe = CProgram.compile(RECEIVER, dir);
        Path socket = dir.resolve("console.sock");
        Path file = dir.resolve("written-through-the-passed-fd");
        Process receiver = new ProcessBuilder(exe.toString(), socket.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("listening", out.readLine());
            int fd = Libc.open(file.toString(), Libc.O_WRONLY | Libc.O_CREAT | Libc.O_CLOEXEC, 0600);
            try {
                UnixSocket.sendFd(socket.toString(), fd, "/dev/pts/7".getBytes(StandardCharsets.UTF_8));
            } finally {
                Libc.close(fd);
            }
            assertEquals("received 10 bytes", out.readLine());
            assertTrue(receiver.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, receiver.exitValue());
        } finally {
            receiver.destroyForcibly();
        }
        assertEquals("/dev/pts/7", Files.readString(file), "the receiver wrote the data into the file through the descriptor it got");
    }

    @Test
    void aPathLongerThanSunPathIsRefusedBeforeAnySyscall() {
        String tooLong = "/tmp/" + "x".repeat(UnixSocket.SUN_PATH_SIZE);
        assertThrows(IllegalArgumentException.class, () -> UnixSocket.sendFd(tooLong, 0, new byte[] {1}));
    }
}
