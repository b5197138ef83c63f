package dev.kapsel.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kapsel.api.http.HttpHandler;
import dev.kapsel.api.http.HttpRequest;
import dev.kapsel.api.http.HttpResponse;

/** Joins the HTTP layer to the controller: route, act, encode; every refusal is a Firecracker {@code Error} body. */
public final class ApiHttpHandler implements HttpHandler {
    private final VmmController controller;

    public ApiHttpHandler(VmmController controller) {
        this.controller = controller;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        ApiReply reply;
        try {
            reply = controller.handle(ApiRoutes.parse(request.method(), request.target(), request.body()));
        } catch (ApiFault fault) {
            reply = ApiReply.fault(fault);
        }
        return encode(reply);
    }

    @Override
    public HttpResponse refuse(int status, String message) {
        return encode(new ApiReply(status, new ApiModel.Error(message)));
    }

    static HttpResponse encode(ApiReply reply) {
        if (reply.body() == null) {
            return new HttpResponse(reply.status(), new byte[0]);
        }
        try {
            return new HttpResponse(reply.status(), ApiJson.MAPPER.writeValueAsBytes(reply.body()));
        } catch (JsonProcessingException e) {
            return new HttpResponse(500, ("{\"fault_message\":\"cannot encode the response\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
