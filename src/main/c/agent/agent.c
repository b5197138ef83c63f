/*
 * kapsel-agent's main program: options, PID-1 set-up, and the poll() event loop that moves frames
 * between the host connections and the processes' stdio, delivers signals and resizes, and reaps
 * every child (as PID 1, or as a child subreaper on a host), reporting EXIT only for its own.
 *
 * Flow control: a connection's output is buffered; while it holds more than OUT_HIGH bytes the
 * agent stops reading that connection's processes' output, and it stops reading the connection
 * while the connection's output or one of its processes' stdin buffers is over its mark. So a host
 * or a process that does not read cannot make the agent's memory grow without bound.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define AGENT_NAME "kapsel-agent 0.1"
#define MAX_CONNS 8
#define MAX_PROCS 64
#define OUT_HIGH (4u << 20)
#define STDIN_HIGH (1u << 20)
#define READ_CHUNK 65536
#define DRAIN_LIMIT (1u << 20)

struct conn {
    int used;
    int rfd, wfd;
    int negotiated;
    int closing; /* send what is buffered, then close */
    struct buf in, out;
};

static struct conn conns[MAX_CONNS];
static struct process procs[MAX_PROCS];
static const char *root_dir = "/";
static int main_started;  /* a START succeeded: there is, or was, a container process */
static int main_running;
static int stdio_mode;

/* ---- lookups ---- */

static struct process *find_process(int c, uint32_t id)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].used && procs[i].conn == c && procs[i].id == id)
            return &procs[i];
    return NULL;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void close_stdin(struct process *p)
{
    close_fd(&p->stdin_fd);
    buf_free(&p->stdin_buf);
    p->stdin_close_pending = 0;
}

/* ---- connections ---- */

static void send_error(int c, uint32_t id, int code, const char *message)
{
    struct conn *k = &conns[c];
    frame_put_error(&k->out, id, (uint16_t)code, message);
    if (code < E_FIRST_REQUEST_ERROR) {
        log_msg("connection %d: protocol error %d: %s; closing it", c, code, message);
        k->closing = 1;
    }
}

static void conn_close(int c)
{
    struct conn *k = &conns[c];
    for (int i = 0; i < MAX_PROCS; i++) {
        struct process *p = &procs[i];
        if (!p->used || p->conn != c)
            continue;
        /* the host that owns the process is gone: nobody can feed or wait for it any more */
        kill(-p->pid, SIGKILL);
        kill(p->pid, SIGKILL);
        p->conn = -1;
        close_stdin(p);
        close_fd(&p->stdout_fd);
        close_fd(&p->stderr_fd);
    }
    if (k->rfd >= 0)
        close(k->rfd);
    if (k->wfd >= 0 && k->wfd != k->rfd)
        close(k->wfd);
    buf_free(&k->in);
    buf_free(&k->out);
    memset(k, 0, sizeof *k);
    k->rfd = k->wfd = -1;
}

static void conn_flush(int c)
{
    struct conn *k = &conns[c];
    while (buf_pending(&k->out) > 0) {
        ssize_t n = write(k->wfd, k->out.data + k->out.off, buf_pending(&k->out));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            conn_close(c);
            return;
        }
        buf_consume(&k->out, (size_t)n);
    }
    if (k->closing)
        conn_close(c);
}

static int conn_open(int rfd, int wfd)
{
    for (int c = 0; c < MAX_CONNS; c++) {
        if (!conns[c].used) {
            memset(&conns[c], 0, sizeof conns[c]);
            conns[c].used = 1;
            conns[c].rfd = rfd;
            conns[c].wfd = wfd;
            fcntl(rfd, F_SETFL, fcntl(rfd, F_GETFL) | O_NONBLOCK);
            if (wfd != rfd)
                fcntl(wfd, F_SETFL, fcntl(wfd, F_GETFL) | O_NONBLOCK);
            return c;
        }
    }
    return -1;
}

/* ---- process output and exit ---- */

/* Reads once (or, when draining, until nothing is left) from a process's stdout or stderr. */
static void pump_output(struct process *p, int *fd, uint8_t type, int drain)
{
    uint8_t chunk[DATA_CHUNK];
    size_t total = 0;
    while (*fd >= 0) {
        ssize_t n = read(*fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) { /* EOF, or EIO from a terminal whose slave side is closed */
            close_fd(fd);
            return;
        }
        if (p->conn >= 0)
            frame_put(&conns[p->conn].out, type, p->id, chunk, (size_t)n);
        total += (size_t)n;
        if (!drain || total >= DRAIN_LIMIT)
            return;
    }
}

static void process_exited(struct process *p, int status)
{
    pump_output(p, &p->stdout_fd, T_STDOUT, 1);
    pump_output(p, &p->stderr_fd, T_STDERR, 1);
    close_fd(&p->stdout_fd);
    close_fd(&p->stderr_fd);
    close_stdin(p);
    if (p->conn >= 0) {
        if (WIFSIGNALED(status))
            frame_put_exit(&conns[p->conn].out, p->id, EXIT_KIND_SIGNALED, WTERMSIG(status));
        else
            frame_put_exit(&conns[p->conn].out, p->id, EXIT_KIND_EXITED, WEXITSTATUS(status));
    }
    int was_main = p->main;
    memset(p, 0, sizeof *p);
    p->stdin_fd = p->stdout_fd = p->stderr_fd = -1;
    if (was_main) {
        /* the container is stopped: like the end of a PID namespace, its other processes go too */
        main_running = 0;
        for (int i = 0; i < MAX_PROCS; i++)
            if (procs[i].used) {
                kill(-procs[i].pid, SIGKILL);
                kill(procs[i].pid, SIGKILL);
            }
    }
}

static void reap(void)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            return;
        for (int i = 0; i < MAX_PROCS; i++) {
            if (procs[i].used && procs[i].pid == pid) {
                process_exited(&procs[i], status);
                break;
            }
        }
        /* anything else was an orphan re-parented to us: reaped, not reported */
    }
}

static void pump_stdin(struct process *p)
{
    while (p->stdin_fd >= 0 && buf_pending(&p->stdin_buf) > 0) {
        ssize_t n = write(p->stdin_fd, p->stdin_buf.data + p->stdin_buf.off, buf_pending(&p->stdin_buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) { /* the process closed its stdin: drop what it will never read */
            close_stdin(p);
            return;
        }
        buf_consume(&p->stdin_buf, (size_t)n);
    }
    if (p->stdin_close_pending)
        close_stdin(p);
}

/* ---- requests ---- */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void handle_hello(int c, const uint8_t *payload, size_t n)
{
    struct conn *k = &conns[c];
    if (n != 4) {
        send_error(c, 0, E_MALFORMED, "HELLO payload must be 4 bytes (min and max version)");
        return;
    }
    unsigned min = (unsigned)(payload[0] << 8 | payload[1]);
    unsigned max = (unsigned)(payload[2] << 8 | payload[3]);
    unsigned v = max < PROTO_VERSION_MAX ? max : PROTO_VERSION_MAX;
    if (min > max || v < min || v < PROTO_VERSION_MIN) {
        char msg[160];
        snprintf(msg, sizeof msg, "the host speaks protocol versions %u..%u, this agent %u..%u", min, max,
                 PROTO_VERSION_MIN, PROTO_VERSION_MAX);
        send_error(c, 0, E_VERSION_UNSUPPORTED, msg);
        return;
    }
    uint8_t reply[2 + 4 + sizeof AGENT_NAME];
    size_t name = strlen(AGENT_NAME);
    reply[0] = (uint8_t)(v >> 8);
    reply[1] = (uint8_t)v;
    reply[2] = reply[3] = reply[4] = 0;
    reply[5] = (uint8_t)name;
    memcpy(reply + 6, AGENT_NAME, name);
    frame_put(&k->out, T_HELLO, 0, reply, 6 + name);
    k->negotiated = 1;
}

/* The refusal of a payload its decoder rejected: a bad string (E_BAD_UTF8) or a wrong length. */
static void send_decode_error(int c, uint32_t id, int rc, const char *what)
{
    char msg[160];
    if (rc == E_BAD_UTF8)
        snprintf(msg, sizeof msg, "a string in %s is not UTF-8 or holds a NUL", what);
    else
        snprintf(msg, sizeof msg, "%s is truncated or has trailing bytes", what);
    send_error(c, id, rc, msg);
}

static void handle_start(int c, uint8_t type, uint32_t id, const uint8_t *payload, size_t n)
{
    struct spec s;
    char msg[512];
    int rc = spec_decode(payload, n, &s);
    if (rc) {
        send_decode_error(c, id, rc, "the process spec");
        return;
    }
    struct process *slot = NULL;
    if (id == 0) {
        snprintf(msg, sizeof msg, "process id 0 is reserved for the connection");
        rc = E_INVALID_ARGUMENT;
    } else if (find_process(c, id)) {
        snprintf(msg, sizeof msg, "process id %u is in use on this connection", id);
        rc = E_ID_IN_USE;
    } else if ((rc = spec_check(&s, msg, sizeof msg)) != 0) {
        /* msg says why */
    } else if (type == T_START && main_started) {
        snprintf(msg, sizeof msg, "the container's process was already started; use EXEC for more");
        rc = E_ALREADY_STARTED;
    } else if (type == T_EXEC && !main_running) {
        snprintf(msg, sizeof msg, "the container is not running: START its process first");
        rc = E_NOT_RUNNING;
    } else if (type == T_EXEC && s.hostname[0]) {
        snprintf(msg, sizeof msg, "only START sets the hostname");
        rc = E_INVALID_ARGUMENT;
    } else if (type == T_START && s.hostname[0] && sethostname(s.hostname, strlen(s.hostname)) < 0) {
        snprintf(msg, sizeof msg, "cannot set the hostname: %s", strerror(errno));
        rc = E_INTERNAL;
    } else {
        for (int i = 0; i < MAX_PROCS && !slot; i++)
            if (!procs[i].used)
                slot = &procs[i];
        if (!slot) {
            snprintf(msg, sizeof msg, "the agent already runs %d processes", MAX_PROCS);
            rc = E_TOO_MANY;
        }
    }
    if (!rc) {
        memset(slot, 0, sizeof *slot);
        slot->stdin_fd = slot->stdout_fd = slot->stderr_fd = -1;
        rc = process_spawn(slot, &s, root_dir, msg, sizeof msg);
        if (!rc) {
            slot->used = 1;
            slot->conn = c;
            slot->id = id;
            slot->main = type == T_START;
            if (slot->main)
                main_started = main_running = 1;
            frame_put_u32(&conns[c].out, T_STARTED, id, (uint32_t)slot->pid);
        }
    }
    if (rc)
        send_error(c, id, rc, msg);
    spec_free(&s);
}

/* NETWORK: configure the guest's interfaces (network.c), answered with NETWORK_DONE or an ERROR. */
static void handle_network(int c, uint32_t id, const uint8_t *payload, size_t n)
{
    static struct net_config cfg; /* 60 KiB: not on the stack */
    char msg[256];
    if (id == 0) {
        send_error(c, id, E_INVALID_ARGUMENT, "NETWORK needs a non-zero request id");
        return;
    }
    int rc = net_decode(payload, n, &cfg, msg, sizeof msg);
    if (rc == 0)
        rc = net_apply(&cfg, msg, sizeof msg);
    if (rc != 0) {
        send_error(c, id, rc, msg);
        return;
    }
    log_msg("network: %u interface(s) configured", cfg.n);
    frame_put(&conns[c].out, T_NETWORK_DONE, id, NULL, 0);
}

static void handle_mount(int c, uint32_t id, const uint8_t *payload, size_t n)
{
    struct share s;
    char msg[512];
    int rc = share_decode(payload, n, &s);
    if (rc) {
        send_decode_error(c, id, rc, "the MOUNT payload");
        return;
    }
    if (id == 0) {
        snprintf(msg, sizeof msg, "MOUNT needs a non-zero request id");
        rc = E_INVALID_ARGUMENT;
    } else if (main_started) {
        snprintf(msg, sizeof msg, "MOUNT comes before START: the container's process already runs");
        rc = E_ALREADY_STARTED;
    } else {
        rc = share_mount(root_dir, &s, msg, sizeof msg);
    }
    if (rc)
        send_error(c, id, rc, msg);
    else
        frame_put(&conns[c].out, T_MOUNTED, id, NULL, 0);
    share_free(&s);
}

static void handle_frame(int c, uint8_t type, uint32_t id, const uint8_t *payload, size_t n)
{
    struct conn *k = &conns[c];
    char msg[160];
    if (!k->negotiated && type != T_HELLO) {
        send_error(c, id, E_HANDSHAKE, "send HELLO before anything else");
        return;
    }
    if (type == T_HELLO) {
        if (k->negotiated)
            send_error(c, id, E_HANDSHAKE, "HELLO was already exchanged on this connection");
        else
            handle_hello(c, payload, n);
        return;
    }
    if (type == T_START || type == T_EXEC) {
        handle_start(c, type, id, payload, n);
        return;
    }
    if (type == T_NETWORK) {
        handle_network(c, id, payload, n);
        return;
    }
    if (type == T_MOUNT) {
        handle_mount(c, id, payload, n);
        return;
    }
    if (type != T_STDIN && type != T_STDIN_CLOSE && type != T_RESIZE && type != T_SIGNAL) {
        snprintf(msg, sizeof msg, "unknown frame type 0x%02x from the host", type);
        send_error(c, id, E_UNKNOWN_TYPE, msg);
        return;
    }
    size_t want = type == T_STDIN ? n : type == T_STDIN_CLOSE ? 0 : 4;
    if (n != want) {
        snprintf(msg, sizeof msg, "frame type 0x%02x needs a %zu-byte payload, not %zu", type, want, n);
        send_error(c, id, E_MALFORMED, msg);
        return;
    }
    struct process *p = find_process(c, id);
    if (!p) {
        snprintf(msg, sizeof msg, "no process %u on this connection (it may have exited)", id);
        send_error(c, id, E_NO_SUCH_PROCESS, msg);
        return;
    }
    switch (type) {
    case T_STDIN:
        if (p->stdin_fd < 0 || p->stdin_close_pending) {
            snprintf(msg, sizeof msg, "stdin of process %u is closed or was not requested", id);
            send_error(c, id, E_INVALID_ARGUMENT, msg);
        } else if (n > 0) {
            buf_append(&p->stdin_buf, payload, n);
            pump_stdin(p);
        }
        break;
    case T_STDIN_CLOSE:
        if (p->stdin_fd >= 0) {
            p->stdin_close_pending = 1;
            pump_stdin(p);
        }
        break;
    case T_RESIZE: {
        uint16_t rows = (uint16_t)(payload[0] << 8 | payload[1]);
        uint16_t cols = (uint16_t)(payload[2] << 8 | payload[3]);
        if (!p->terminal) {
            snprintf(msg, sizeof msg, "process %u has no terminal to resize", id);
            send_error(c, id, E_INVALID_ARGUMENT, msg);
        } else if (p->stdout_fd >= 0 && process_resize(p, rows, cols) < 0) {
            snprintf(msg, sizeof msg, "cannot resize the terminal of process %u: %s", id, strerror(errno));
            send_error(c, id, E_INTERNAL, msg);
        }
        break;
    }
    case T_SIGNAL: {
        uint32_t sig = be32(payload);
        if (sig < 1 || sig >= (uint32_t)NSIG) {
            snprintf(msg, sizeof msg, "signal %u is not a signal number (1..%d)", sig, NSIG - 1);
            send_error(c, id, E_INVALID_ARGUMENT, msg);
        } else if (kill(p->pid, (int)sig) < 0 && errno != ESRCH) {
            snprintf(msg, sizeof msg, "cannot send signal %u to process %u: %s", sig, id, strerror(errno));
            send_error(c, id, E_INTERNAL, msg);
        }
        break;
    }
    }
}

static int conn_stdin_blocked(int c)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].used && procs[i].conn == c && buf_pending(&procs[i].stdin_buf) > STDIN_HIGH)
            return 1;
    return 0;
}

static void conn_read(int c)
{
    struct conn *k = &conns[c];
    uint8_t chunk[READ_CHUNK];
    ssize_t n = read(k->rfd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        if (buf_pending(&k->in) > 0)
            send_error(c, 0, E_TRUNCATED, "the connection ended in the middle of a frame");
        k->closing = 1;
        conn_flush(c);
        return;
    }
    buf_append(&k->in, chunk, (size_t)n);
    while (!k->closing) {
        uint8_t type;
        uint32_t id;
        const uint8_t *payload;
        size_t len, frame_len;
        int error = 0;
        int rc = frame_peek(&k->in, &type, &id, &payload, &len, &frame_len, &error);
        if (rc == 0)
            break;
        if (rc < 0) {
            send_error(c, 0, error, error == E_FRAME_TOO_LARGE
                                        ? "frame length is larger than the 1 MiB maximum"
                                        : "frame length is shorter than the 5-byte frame header");
            break;
        }
        handle_frame(c, type, id, payload, len);
        buf_consume(&k->in, frame_len);
    }
}

/* ---- main loop ---- */

enum kind { K_LISTEN, K_SIGNAL, K_CONN_IN, K_CONN_OUT, K_STDOUT, K_STDERR, K_STDIN };

struct slot {
    enum kind kind;
    int index;
};

static void loop(int listen_fd, int sig_fd)
{
    struct pollfd pfd[2 + 2 * MAX_CONNS + 3 * MAX_PROCS];
    struct slot what[2 + 2 * MAX_CONNS + 3 * MAX_PROCS];
    for (;;) {
        int n = 0;
        if (listen_fd >= 0) {
            pfd[n] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
            what[n++] = (struct slot){ K_LISTEN, 0 };
        }
        pfd[n] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
        what[n++] = (struct slot){ K_SIGNAL, 0 };
        int any_conn = 0;
        for (int c = 0; c < MAX_CONNS; c++) {
            struct conn *k = &conns[c];
            if (!k->used)
                continue;
            any_conn = 1;
            if (!k->closing && buf_pending(&k->out) < OUT_HIGH && !conn_stdin_blocked(c)) {
                pfd[n] = (struct pollfd){ .fd = k->rfd, .events = POLLIN };
                what[n++] = (struct slot){ K_CONN_IN, c };
            }
            if (buf_pending(&k->out) > 0) {
                pfd[n] = (struct pollfd){ .fd = k->wfd, .events = POLLOUT };
                what[n++] = (struct slot){ K_CONN_OUT, c };
            }
        }
        if (stdio_mode && !any_conn)
            return;
        for (int i = 0; i < MAX_PROCS; i++) {
            struct process *p = &procs[i];
            if (!p->used)
                continue;
            int room = p->conn < 0 || buf_pending(&conns[p->conn].out) < OUT_HIGH;
            if (room && p->stdout_fd >= 0) {
                pfd[n] = (struct pollfd){ .fd = p->stdout_fd, .events = POLLIN };
                what[n++] = (struct slot){ K_STDOUT, i };
            }
            if (room && p->stderr_fd >= 0) {
                pfd[n] = (struct pollfd){ .fd = p->stderr_fd, .events = POLLIN };
                what[n++] = (struct slot){ K_STDERR, i };
            }
            if (p->stdin_fd >= 0 && buf_pending(&p->stdin_buf) > 0) {
                pfd[n] = (struct pollfd){ .fd = p->stdin_fd, .events = POLLOUT };
                what[n++] = (struct slot){ K_STDIN, i };
            }
        }
        if (poll(pfd, (nfds_t)n, -1) < 0) {
            if (errno == EINTR)
                continue;
            fatal("poll: %s", strerror(errno));
        }
        for (int i = 0; i < n; i++) {
            if (!pfd[i].revents)
                continue;
            int x = what[i].index;
            /* earlier handlers may have closed or reused what this entry was for: check the fd */
            switch (what[i].kind) {
            case K_LISTEN: {
                int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
                if (fd >= 0 && conn_open(fd, fd) < 0) {
                    log_msg("refusing a connection: %d are open already", MAX_CONNS);
                    close(fd);
                }
                break;
            }
            case K_SIGNAL: {
                struct signalfd_siginfo si;
                while (read(sig_fd, &si, sizeof si) == sizeof si)
                    ;
                reap();
                break;
            }
            case K_CONN_IN:
                if (conns[x].used && conns[x].rfd == pfd[i].fd && !conns[x].closing)
                    conn_read(x);
                break;
            case K_CONN_OUT:
                if (conns[x].used && conns[x].wfd == pfd[i].fd)
                    conn_flush(x);
                break;
            case K_STDOUT:
                if (procs[x].used && procs[x].stdout_fd == pfd[i].fd)
                    pump_output(&procs[x], &procs[x].stdout_fd, T_STDOUT, 0);
                break;
            case K_STDERR:
                if (procs[x].used && procs[x].stderr_fd == pfd[i].fd)
                    pump_output(&procs[x], &procs[x].stderr_fd, T_STDERR, 0);
                break;
            case K_STDIN:
                if (procs[x].used && procs[x].stdin_fd == pfd[i].fd)
                    pump_stdin(&procs[x]);
                break;
            }
        }
        /* try to send what the handlers queued without waiting for another round */
        for (int c = 0; c < MAX_CONNS; c++)
            if (conns[c].used && buf_pending(&conns[c].out) > 0)
                conn_flush(c);
            else if (conns[c].used && conns[c].closing)
                conn_close(c);
    }
}

static void usage(void)
{
    dprintf(2, "usage: kapsel-agent [--vsock PORT | --unix PATH | --stdio] [--root DIR] [--no-mounts]\n"
               "  --vsock PORT  listen on this vsock port (default 1024)\n"
               "  --unix PATH   listen on a Unix socket instead (for tests on a host)\n"
               "  --stdio       serve one connection on stdin/stdout, exit when it ends\n"
               "  --root DIR    run processes chrooted into DIR (default /)\n"
               "  --no-mounts   as PID 1, do not mount proc, sys, dev, devpts, shm and mqueue\n");
}

int main(int argc, char **argv)
{
    unsigned vsock_port = 1024;
    const char *unix_path = NULL;
    int mounts = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--vsock") && i + 1 < argc) {
            char *end;
            unsigned long port = strtoul(argv[++i], &end, 10);
            if (*end || end == argv[i] || port > 0xffffffffUL)
                fatal("--vsock needs a port number, not '%s'", argv[i]);
            vsock_port = (unsigned)port;
        } else if (!strcmp(a, "--unix") && i + 1 < argc) {
            unix_path = argv[++i];
        } else if (!strcmp(a, "--stdio")) {
            stdio_mode = 1;
        } else if (!strcmp(a, "--root") && i + 1 < argc) {
            root_dir = argv[++i];
        } else if (!strcmp(a, "--no-mounts")) {
            mounts = 0;
        } else if (!strcmp(a, "--version")) {
            dprintf(1, "%s (protocol %d..%d)\n", AGENT_NAME, PROTO_VERSION_MIN, PROTO_VERSION_MAX);
            return 0;
        } else {
            usage();
            fatal("unknown or incomplete option '%s'", a);
        }
    }
    if (root_dir[0] != '/')
        fatal("--root must be an absolute path, not '%s'", root_dir);

    /* fds 0..2 must exist so that nothing the agent opens lands on them */
    while (fcntl(2, F_GETFD) < 0 || fcntl(1, F_GETFD) < 0 || fcntl(0, F_GETFD) < 0) {
        int fd = open("/dev/null", O_RDWR);
        if (fd < 0 || fd > 2) {
            if (fd > 2)
                close(fd);
            break;
        }
    }
    for (int i = 0; i < MAX_CONNS; i++)
        conns[i].rfd = conns[i].wfd = -1;
    for (int i = 0; i < MAX_PROCS; i++)
        procs[i].stdin_fd = procs[i].stdout_fd = procs[i].stderr_fd = -1;

    if (getpid() == 1) {
        if (mounts && init_mounts(root_dir) < 0)
            log_msg("some pseudo file systems could not be mounted; continuing");
    } else if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        log_msg("cannot become a child subreaper: %s; orphans will not be reaped here", strerror(errno));
    }

    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sig_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sig_fd < 0)
        fatal("signalfd: %s", strerror(errno));

    int listen_fd = -1;
    if (stdio_mode) {
        conn_open(0, 1);
    } else if (unix_path) {
        listen_fd = listen_unix(unix_path);
        log_msg("listening on %s", unix_path);
    } else {
        listen_fd = listen_vsock(vsock_port);
        log_msg("listening on vsock port %u", vsock_port);
    }
    loop(listen_fd, sig_fd);
    /* stdio mode: the host is gone; stop what is left and wait for it */
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].used)
            kill(procs[i].pid, SIGKILL);
    while (waitpid(-1, NULL, 0) > 0)
        ;
    return 0;
}
