package dev.kapsel.api.http;

/** What serves the requests an {@link HttpServer} parses; the server itself only parses and frames. */
public interface HttpHandler {
    /** The response to one well-formed request. Called for one request at a time per connection. */
    HttpResponse handle(HttpRequest request);

    /** The response to a request refused before parsing finished (400, 408, 413, 503), or to a handler failure (500). */
    HttpResponse refuse(int status, String message);
}
