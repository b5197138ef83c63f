package dev.kapsel.api.http;

import java.time.Duration;

/**
 * The bounds a connection's requests must keep, as Firecracker's micro_http has them.
 *
 * @param maxHeadBytes   request line and header fields together, CRLFs included
 * @param maxHeaders     header fields per request
 * @param maxBodyBytes   Content-Length (Firecracker's default API payload limit is 51200 bytes)
 * @param requestTimeout from a request's first byte to its last: a client that sends slower is cut off
 * @param maxConnections connections served at once; more are answered 503 and closed
 */
public record HttpLimits(int maxHeadBytes, int maxHeaders, int maxBodyBytes, Duration requestTimeout, int maxConnections) {
    public static final HttpLimits DEFAULT = new HttpLimits(8192, 64, 51200, Duration.ofSeconds(10), 16);

    public HttpLimits {
        if (maxHeadBytes < 64 || maxHeaders < 1 || maxBodyBytes < 0 || requestTimeout.isNegative()
                || requestTimeout.isZero() || maxConnections < 1) {
            throw new IllegalArgumentException("HTTP limits out of range");
        }
    }
}
