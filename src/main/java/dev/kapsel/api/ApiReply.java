package dev.kapsel.api;

/**
 * What the controller answers an action with: a status and a body record of {@link ApiModel}
 * ({@code null} for 204).
 */
public record ApiReply(int status, Object body) {
    public static final ApiReply NO_CONTENT = new ApiReply(204, null);

    public static ApiReply ok(Object body) {
        return new ApiReply(200, body);
    }

    public static ApiReply fault(ApiFault fault) {
        return new ApiReply(fault.status(), new ApiModel.Error(fault.getMessage()));
    }
}
