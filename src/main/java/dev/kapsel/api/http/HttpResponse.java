package dev.kapsel.api.http;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 response: a status and, unless the status is 204, a JSON body.
 *
 * @param status the status code
 * @param body   the JSON body (empty for 204)
 */
public record HttpResponse(int status, byte[] body) {
    public HttpResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status);
        }
        if (status == 204 && body.length != 0) {
            throw new IllegalArgumentException("a 204 response has no body");
        }
        body = body.clone();
    }

    public static HttpResponse noContent() {
        return new HttpResponse(204, new byte[0]);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The reason phrase sent after the status code. */
    public static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Payload Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }

    /** The response as sent on the wire: status line, headers, body. */
    byte[] encode(boolean close) {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Server: kapsel\r\n");
        if (status != 204) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        if (close) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }
}
