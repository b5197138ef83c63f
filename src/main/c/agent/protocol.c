/*
 * Framing and payload codecs of the agent protocol (docs/agent-protocol.md): a bounded reader that
 * never reads past a payload, UTF-8 validation, the START/EXEC process spec, and frame writers.
 * Everything here treats its input as hostile: lengths and counts are checked against the bytes
 * that are really there before anything is allocated.
 */
#include "agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffers ---- */

size_t buf_pending(const struct buf *b)
{
    return b->len - b->off;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
    if (b->off > 0 && b->len + n > b->cap) {
        memmove(b->data, b->data + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

void buf_consume(struct buf *b, size_t n)
{
    b->off += n;
    if (b->off == b->len)
        b->off = b->len = 0;
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->off = b->len = b->cap = 0;
}

/* ---- reader ---- */

void rd_init(struct reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->pos = 0;
    r->ok = 1;
    r->error = 0;
}

static int rd_need(struct reader *r, size_t n)
{
    if (!r->ok)
        return 0;
    if (r->len - r->pos < n) {
        r->ok = 0;
        r->error = E_MALFORMED;
        return 0;
    }
    return 1;
}

uint8_t rd_u8(struct reader *r)
{
    if (!rd_need(r, 1))
        return 0;
    return r->p[r->pos++];
}

uint16_t rd_u16(struct reader *r)
{
    if (!rd_need(r, 2))
        return 0;
    uint16_t v = (uint16_t)(r->p[r->pos] << 8 | r->p[r->pos + 1]);
    r->pos += 2;
    return v;
}

uint32_t rd_u32(struct reader *r)
{
    if (!rd_need(r, 4))
        return 0;
    const uint8_t *q = r->p + r->pos;
    r->pos += 4;
    return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

uint64_t rd_u64(struct reader *r)
{
    uint64_t hi = rd_u32(r);
    uint64_t lo = rd_u32(r);
    return hi << 32 | lo;
}

char *rd_string(struct reader *r)
{
    uint32_t n = rd_u32(r);
    if (!rd_need(r, n))
        return NULL;
    const uint8_t *s = r->p + r->pos;
    if (memchr(s, 0, n) || !utf8_valid(s, n)) {
        r->ok = 0;
        r->error = E_BAD_UTF8;
        return NULL;
    }
    char *out = malloc((size_t)n + 1);
    if (!out) {
        r->ok = 0;
        r->error = E_MALFORMED;
        return NULL;
    }
    memcpy(out, s, n);
    out[n] = 0;
    r->pos += n;
    return out;
}

int rd_done(struct reader *r)
{
    if (r->ok && r->pos != r->len) {
        r->ok = 0;
        r->error = E_MALFORMED;
    }
    return r->ok;
}

/* Well-formed UTF-8 as in RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. */
int utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        size_t extra;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1; cp = c & 0x1f; min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2; cp = c & 0x0f; min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3; cp = c & 0x07; min = 0x10000;
        } else {
            return 0;
        }
        if (n - i - 1 < extra)
            return 0;
        for (size_t k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += extra + 1;
    }
    return 1;
}

/* ---- process spec ---- */

static char **rd_string_list(struct reader *r, uint32_t *count)
{
    uint32_t n = rd_u32(r);
    /* every string takes at least its 4-byte length: a count larger than that cannot be real */
    if (!r->ok || n > (r->len - r->pos) / 4) {
        r->ok = 0;
        r->error = E_MALFORMED;
        return NULL;
    }
    char **list = calloc((size_t)n + 1, sizeof(char *));
    if (!list) {
        r->ok = 0;
        r->error = E_MALFORMED;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        list[i] = rd_string(r);
        if (!list[i]) {
            for (uint32_t k = 0; k < i; k++)
                free(list[k]);
            free(list);
            return NULL;
        }
    }
    *count = n;
    return list;
}

int spec_decode(const uint8_t *p, size_t len, struct spec *s)
{
    struct reader r;
    memset(s, 0, sizeof *s);
    rd_init(&r, p, len);
    s->flags = rd_u8(&r);
    s->rows = rd_u16(&r);
    s->cols = rd_u16(&r);
    s->uid = rd_u32(&r);
    s->gid = rd_u32(&r);
    uint32_t ng = rd_u32(&r);
    if (r.ok && ng > (r.len - r.pos) / 4) {
        r.ok = 0;
        r.error = E_MALFORMED;
    }
    if (r.ok) {
        s->groups = calloc(ng ? ng : 1, sizeof(gid_t));
        if (!s->groups) {
            r.ok = 0;
            r.error = E_MALFORMED;
        }
        for (uint32_t i = 0; r.ok && i < ng; i++)
            s->groups[i] = rd_u32(&r);
        s->ngroups = ng;
    }
    if (r.ok)
        s->argv = rd_string_list(&r, &s->argc);
    if (r.ok)
        s->env = rd_string_list(&r, &s->envc);
    if (r.ok)
        s->cwd = rd_string(&r);
    if (r.ok)
        s->hostname = rd_string(&r);
    uint32_t nl = rd_u32(&r);
    if (r.ok && nl > (r.len - r.pos) / 20) {
        r.ok = 0;
        r.error = E_MALFORMED;
    }
    if (r.ok) {
        s->rlimits = calloc(nl ? nl : 1, sizeof(struct rlimit_entry));
        if (!s->rlimits) {
            r.ok = 0;
            r.error = E_MALFORMED;
        }
        for (uint32_t i = 0; r.ok && i < nl; i++) {
            s->rlimits[i].resource = rd_u32(&r);
            s->rlimits[i].soft = rd_u64(&r);
            s->rlimits[i].hard = rd_u64(&r);
        }
        s->nrlimits = nl;
    }
    if (!rd_done(&r)) {
        spec_free(s);
        return r.error;
    }
    return 0;
}

void spec_free(struct spec *s)
{
    if (s->argv)
        for (char **a = s->argv; *a; a++)
            free(*a);
    if (s->env)
        for (char **e = s->env; *e; e++)
            free(*e);
    free(s->argv);
    free(s->env);
    free(s->groups);
    free(s->cwd);
    free(s->hostname);
    free(s->rlimits);
    memset(s, 0, sizeof *s);
}

int spec_check(const struct spec *s, char *msg, size_t msgcap)
{
    if (s->flags & ~SPEC_FLAGS_KNOWN) {
        snprintf(msg, msgcap, "unknown process flags 0x%02x", s->flags & ~SPEC_FLAGS_KNOWN);
        return E_INVALID_ARGUMENT;
    }
    if (s->argc == 0 || s->argv[0][0] == 0) {
        snprintf(msg, msgcap, "the process has no command (argv is empty)");
        return E_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < s->envc; i++) {
        const char *eq = strchr(s->env[i], '=');
        if (!eq || eq == s->env[i]) {
            snprintf(msg, msgcap, "environment entry %u is not NAME=VALUE", i);
            return E_INVALID_ARGUMENT;
        }
    }
    if (s->cwd[0] != 0 && s->cwd[0] != '/') {
        snprintf(msg, msgcap, "working directory must be absolute, not '%.200s'", s->cwd);
        return E_INVALID_ARGUMENT;
    }
    if (strlen(s->hostname) > 64) {
        snprintf(msg, msgcap, "hostname is longer than 64 bytes");
        return E_INVALID_ARGUMENT;
    }
    if (s->uid == (uint32_t)-1 || s->gid == (uint32_t)-1) {
        snprintf(msg, msgcap, "uid and gid 4294967295 are reserved");
        return E_INVALID_ARGUMENT;
    }
    if (s->ngroups > 65536) {
        snprintf(msg, msgcap, "more than 65536 additional groups");
        return E_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < s->nrlimits; i++) {
        if (s->rlimits[i].resource >= RLIM_NLIMITS) {
            snprintf(msg, msgcap, "unknown rlimit resource %u", s->rlimits[i].resource);
            return E_INVALID_ARGUMENT;
        }
        if (s->rlimits[i].soft > s->rlimits[i].hard) {
            snprintf(msg, msgcap, "rlimit %u: soft limit above hard limit", s->rlimits[i].resource);
            return E_INVALID_ARGUMENT;
        }
    }
    return 0;
}

/* ---- frame writers ---- */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int frame_put(struct buf *out, uint8_t type, uint32_t id, const void *payload, size_t n)
{
    uint8_t h[FRAME_LENGTH_FIELD + FRAME_HEADER];
    if (n > FRAME_MAX - FRAME_HEADER)
        return -1;
    put32(h, (uint32_t)(FRAME_HEADER + n));
    h[4] = type;
    put32(h + 5, id);
    if (buf_append(out, h, sizeof h) < 0)
        return -1;
    return n ? buf_append(out, payload, n) : 0;
}

int frame_put_error(struct buf *out, uint32_t id, uint16_t code, const char *message)
{
    uint8_t p[2 + 4 + 512];
    size_t n = strlen(message);
    if (n > 512)
        n = 512;
    /* never send a cut UTF-8 sequence: back off to a character boundary */
    while (n > 0 && n < strlen(message) && ((uint8_t)message[n] & 0xc0) == 0x80)
        n--;
    p[0] = (uint8_t)(code >> 8);
    p[1] = (uint8_t)code;
    put32(p + 2, (uint32_t)n);
    memcpy(p + 6, message, n);
    return frame_put(out, T_ERROR, id, p, 6 + n);
}

int frame_put_exit(struct buf *out, uint32_t id, int kind, int32_t value)
{
    uint8_t p[5];
    p[0] = (uint8_t)kind;
    put32(p + 1, (uint32_t)value);
    return frame_put(out, T_EXIT, id, p, sizeof p);
}

int frame_put_u32(struct buf *out, uint8_t type, uint32_t id, uint32_t value)
{
    uint8_t p[4];
    put32(p, value);
    return frame_put(out, type, id, p, sizeof p);
}

int frame_peek(const struct buf *in, uint8_t *type, uint32_t *id, const uint8_t **payload,
               size_t *payload_len, size_t *frame_len, int *error)
{
    size_t have = buf_pending(in);
    const uint8_t *p = in->data + in->off;
    if (have < FRAME_LENGTH_FIELD)
        return 0;
    uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    if (len > FRAME_MAX) {
        *error = E_FRAME_TOO_LARGE;
        return -1;
    }
    if (len < FRAME_HEADER) {
        *error = E_MALFORMED;
        return -1;
    }
    if (have < FRAME_LENGTH_FIELD + (size_t)len)
        return 0;
    *type = p[4];
    *id = (uint32_t)p[5] << 24 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 8 | p[8];
    *payload = p + FRAME_LENGTH_FIELD + FRAME_HEADER;
    *payload_len = len - FRAME_HEADER;
    *frame_len = FRAME_LENGTH_FIELD + (size_t)len;
    return 1;
}
