/*
 * libFuzzer target for the guest agent's side of the wire (src/main/c/agent): the host, or whatever
 * reaches the agent's vsock port, is untrusted. The input is a byte stream cut into frames exactly as
 * the agent's connection loop does (frame_peek on a growing buffer), and each frame's payload goes to
 * the decoder the agent uses for its type: START/EXEC -> spec_decode + spec_check, MOUNT ->
 * share_decode, NETWORK -> net_decode, the small fixed payloads through the reader. Built with
 * AddressSanitizer and UndefinedBehaviorSanitizer by bin/fuzz-agent; any memory error, leak or
 * undefined behaviour is a finding. Nothing here changes the machine: the decoders only parse.
 */
#include "../../../main/c/agent/agent.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static void decode_payload(uint8_t type, const uint8_t *p, size_t n)
{
    char msg[256];
    switch (type) {
    case T_START:
    case T_EXEC: {
        struct spec s;
        memset(&s, 0, sizeof s);
        if (spec_decode(p, n, &s) == 0) {
            spec_check(&s, msg, sizeof msg);
            spec_free(&s);
        }
        break;
    }
    case T_MOUNT: {
        struct share s;
        memset(&s, 0, sizeof s);
        if (share_decode(p, n, &s) == 0)
            share_free(&s);
        break;
    }
    case T_NETWORK: {
        static struct net_config cfg;   /* large: keep it off the stack */
        net_decode(p, n, &cfg, msg, sizeof msg);
        break;
    }
    case T_HELLO: {
        struct reader r;
        rd_init(&r, p, n);
        rd_u16(&r);
        rd_u16(&r);
        rd_done(&r);
        break;
    }
    case T_RESIZE:
    case T_SIGNAL: {
        struct reader r;
        rd_init(&r, p, n);
        if (type == T_RESIZE) {
            rd_u16(&r);
            rd_u16(&r);
        } else {
            rd_u32(&r);
        }
        rd_done(&r);
        break;
    }
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf in;
    memset(&in, 0, sizeof in);
    /* arrive in pieces, as reads from a socket do: split points come from the input's length */
    size_t step = size / 3 + 1;
    for (size_t off = 0; off < size; off += step) {
        size_t n = size - off < step ? size - off : step;
        if (buf_append(&in, data + off, n) != 0)
            break;
        for (;;) {
            uint8_t type;
            uint32_t id;
            const uint8_t *payload;
            size_t payload_len, frame_len;
            int error = 0;
            int got = frame_peek(&in, &type, &id, &payload, &payload_len, &frame_len, &error);
            if (got <= 0) {
                if (got < 0)
                    goto done;   /* the agent answers ERROR and closes */
                break;
            }
            decode_payload(type, payload, payload_len);
            buf_consume(&in, frame_len);
        }
    }
done:
    buf_free(&in);
    return 0;
}
