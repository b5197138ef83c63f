/*
 * kapsel-agent: the guest agent. It runs inside the micro-VM (normally as PID 1), listens for the
 * host on a byte stream (vsock, a Unix socket or stdio) and starts, feeds, signals and reaps the
 * container's processes. The wire protocol is docs/agent-protocol.md; this header is its C side.
 */
#ifndef KAPSEL_AGENT_H
#define KAPSEL_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/resource.h>

/* ---- protocol constants (docs/agent-protocol.md) ---- */

#define PROTO_VERSION_MIN 1
#define PROTO_VERSION_MAX 1
#define FRAME_LENGTH_FIELD 4             /* u32 big-endian length of what follows */
#define FRAME_HEADER 5                    /* u8 type + u32 process id */
#define FRAME_MAX 1048576u                /* largest allowed value of the length field */
#define DATA_CHUNK 32768u                 /* largest STDOUT/STDERR payload the agent sends */

enum frame_type {
    T_HELLO = 0x01,
    T_START = 0x02,
    T_EXEC = 0x03,
    T_STDIN = 0x04,
    T_STDIN_CLOSE = 0x05,
    T_RESIZE = 0x06,
    T_SIGNAL = 0x07,
    T_NETWORK = 0x08,
    T_MOUNT = 0x0c,
    T_STARTED = 0x10,
    T_STDOUT = 0x11,
    T_STDERR = 0x12,
    T_EXIT = 0x13,
    T_NETWORK_DONE = 0x14,
    T_MOUNTED = 0x18,
    T_ERROR = 0x7f,
};

/* Codes below 16 are protocol errors: the agent closes the connection after sending them. */
enum error_code {
    E_MALFORMED = 1,
    E_FRAME_TOO_LARGE = 2,
    E_UNKNOWN_TYPE = 3,
    E_BAD_UTF8 = 4,
    E_VERSION_UNSUPPORTED = 5,
    E_HANDSHAKE = 6,
    E_TRUNCATED = 7,
    E_NO_SUCH_PROCESS = 16,
    E_ID_IN_USE = 17,
    E_SPAWN_FAILED = 18,
    E_ALREADY_STARTED = 19,
    E_NOT_RUNNING = 20,
    E_TOO_MANY = 21,
    E_INVALID_ARGUMENT = 22,
    E_INTERNAL = 23,
    E_MOUNT_FAILED = 24,
};
#define E_FIRST_REQUEST_ERROR 16

#define EXIT_KIND_EXITED 0
#define EXIT_KIND_SIGNALED 1

#define SPEC_FLAG_TERMINAL 0x01
#define SPEC_FLAG_STDIN 0x02
#define SPEC_FLAGS_KNOWN 0x03

/* ---- growable byte buffer ---- */

struct buf {
    uint8_t *data;
    size_t off;   /* first unconsumed byte */
    size_t len;   /* end of valid bytes */
    size_t cap;
};

size_t buf_pending(const struct buf *b);
int buf_append(struct buf *b, const void *p, size_t n);
void buf_consume(struct buf *b, size_t n);
void buf_free(struct buf *b);

/* ---- payload reader: every get_* checks bounds; on failure ok becomes 0 and error says why ---- */

struct reader {
    const uint8_t *p;
    size_t len;
    size_t pos;
    int ok;
    int error; /* E_MALFORMED or E_BAD_UTF8 once ok == 0 */
};

void rd_init(struct reader *r, const uint8_t *p, size_t len);
uint8_t rd_u8(struct reader *r);
uint16_t rd_u16(struct reader *r);
uint32_t rd_u32(struct reader *r);
uint64_t rd_u64(struct reader *r);
/* A u32-length UTF-8 string without NUL, returned NUL-terminated in fresh memory (NULL on error). */
char *rd_string(struct reader *r);
int rd_done(struct reader *r); /* 1 when everything was consumed and nothing failed */

int utf8_valid(const uint8_t *p, size_t n);

/* ---- process spec (the payload of START and EXEC) ---- */

struct rlimit_entry {
    uint32_t resource;
    uint64_t soft;
    uint64_t hard;
};

struct spec {
    uint8_t flags;
    uint16_t rows, cols;
    uint32_t uid, gid;
    uint32_t ngroups;
    gid_t *groups;
    uint32_t argc;
    char **argv;    /* NULL-terminated */
    uint32_t envc;
    char **env;     /* NULL-terminated */
    char *cwd;
    char *hostname;
    uint32_t nrlimits;
    struct rlimit_entry *rlimits;
};

/* MOUNT: a virtio-fs tag at a target inside the container's root (share.c) */
#define SHARE_RO 0x01
#define SHARE_NOSUID 0x02
#define SHARE_NODEV 0x04
#define SHARE_NOEXEC 0x08
#define SHARE_FLAGS_KNOWN 0x0f
struct share {
    char *tag;
    char *target;
    uint8_t flags;
};
int share_decode(const uint8_t *p, size_t len, struct share *s);
void share_free(struct share *s);
int share_mount(const char *root, const struct share *s, char *msg, size_t cap);

/* Decodes a START/EXEC payload; returns 0 or an error code (E_MALFORMED, E_BAD_UTF8). */
int spec_decode(const uint8_t *p, size_t len, struct spec *s);
void spec_free(struct spec *s);
/* Checks what decoding cannot: returns 0 or E_INVALID_ARGUMENT with a message in msg. */
int spec_check(const struct spec *s, char *msg, size_t msgcap);

/* ---- frame encoding into an output buffer ---- */

int frame_put(struct buf *out, uint8_t type, uint32_t id, const void *payload, size_t n);
int frame_put_error(struct buf *out, uint32_t id, uint16_t code, const char *message);
int frame_put_exit(struct buf *out, uint32_t id, int kind, int32_t value);
int frame_put_u32(struct buf *out, uint8_t type, uint32_t id, uint32_t value);

/* Looks at the start of in: 1 and the frame when complete, 0 when more bytes are needed,
 * -1 with *error set when the length field is impossible. */
int frame_peek(const struct buf *in, uint8_t *type, uint32_t *id, const uint8_t **payload,
               size_t *payload_len, size_t *frame_len, int *error);

/* ---- processes ---- */

struct process {
    int used;
    int conn;            /* owning connection index, -1 once it is gone */
    uint32_t id;         /* host-chosen id, unique within the connection */
    pid_t pid;
    int main;            /* started with START: the container's process */
    int terminal;
    int stdin_fd;        /* pipe write end or pty master (dup); -1 when closed */
    int stdout_fd;       /* pipe read end or pty master; -1 at EOF */
    int stderr_fd;       /* pipe read end; -1 with a terminal or at EOF */
    int stdin_close_pending; /* close stdin once the buffer drains */
    struct buf stdin_buf;
};

/* Starts the process described by spec; on failure returns an error code and fills msg.
 * root is the directory the process chroots into ("/" for none). */
int process_spawn(struct process *p, const struct spec *s, const char *root, char *msg, size_t msgcap);
int process_resize(struct process *p, uint16_t rows, uint16_t cols);

/* ---- network configuration (the NETWORK payload, applied with rtnetlink) ---- */

#define NET_MAX_INTERFACES 8
#define NET_MAX_ENTRIES 32
#define NET_MIN_MTU 68
#define NET_MAX_MTU 65535

struct net_addr {
    uint8_t family;      /* AF_INET or AF_INET6 */
    uint8_t bytes[16];   /* 4 or 16 used */
};

struct net_prefix {
    struct net_addr addr;
    uint8_t prefix;
};

struct net_route {
    struct net_prefix dst;
    int has_gateway;
    struct net_addr gateway;
};

struct net_neigh {
    struct net_addr addr;
    uint8_t lladdr[6];
};

struct net_iface {
    uint8_t mac[6];
    uint32_t mtu;
    uint32_t naddrs, nroutes, nneighs;
    struct net_prefix addrs[NET_MAX_ENTRIES];
    struct net_route routes[NET_MAX_ENTRIES];
    struct net_neigh neighs[NET_MAX_ENTRIES];
};

struct net_config {
    uint32_t n;
    struct net_iface ifaces[NET_MAX_INTERFACES];
};

/* Decodes a NETWORK payload: 0 or E_MALFORMED (structure, counts, families, trailing bytes). */
int net_decode(const uint8_t *p, size_t len, struct net_config *cfg, char *msg, size_t msgcap);
/* Checks the values and finds every NIC by MAC, then brings lo and the NICs up and sets addresses,
 * routes and neighbours: 0, E_INVALID_ARGUMENT (nothing changed) or E_INTERNAL, with msg set. */
int net_apply(const struct net_config *cfg, char *msg, size_t msgcap);

/* ---- init duties and transports ---- */

int init_mounts(const char *root);
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

int listen_vsock(unsigned port);
int listen_unix(const char *path);

#endif
