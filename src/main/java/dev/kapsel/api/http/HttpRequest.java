package dev.kapsel.api.http;

import java.util.Map;

/**
 * One parsed HTTP/1.1 request.
 *
 * @param method  the method token as sent (upper case)
 * @param target  the request target: an origin-form path starting with '/'
 * @param headers header fields by lower-case name (a name sent twice is a {@link HttpException})
 * @param body    the body, exactly Content-Length bytes (empty without a Content-Length)
 */
public record HttpRequest(String method, String target, Map<String, String> headers, byte[] body) {
    public HttpRequest {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
