namespace FlexRegistry.Shared;

/// <summary>
/// A stable, documented error: the <see cref="Code"/> never changes once published, integrators branch on it.
/// </summary>
public sealed record ErrorCode(string Code, int Status, string Title);

/// <summary>Errors that belong to no single feature.</summary>
public static class CommonErrors
{
    public static readonly ErrorCode ValidationFailed = new("request.validation_failed", 400, "The request has invalid fields.");
    public static readonly ErrorCode MalformedJson = new("request.malformed_json", 400, "The request body is not valid JSON for this operation.");
    public static readonly ErrorCode BadRequest = new("request.bad_request", 400, "The request could not be understood.");
    public static readonly ErrorCode BodyTooLarge = new("request.body_too_large", 413, "The request body is too large.");
    public static readonly ErrorCode UnsupportedMediaType = new("request.unsupported_media_type", 415, "The request body's media type is not supported.");
    public static readonly ErrorCode NotFound = new("resource.not_found", 404, "The resource does not exist.");
    public static readonly ErrorCode MethodNotAllowed = new("request.method_not_allowed", 405, "The method is not allowed on this resource.");
    public static readonly ErrorCode Unauthorised = new("auth.unauthenticated", 401, "A valid access token is required.");
    public static readonly ErrorCode Forbidden = new("auth.forbidden", 403, "The access token does not allow this operation.");
    public static readonly ErrorCode ConcurrencyConflict = new("resource.concurrency_conflict", 409, "The resource was changed by someone else; reload and retry.");
    public static readonly ErrorCode PreconditionFailed = new("resource.precondition_failed", 412, "The resource's version does not match If-Match.");
    public static readonly ErrorCode Internal = new("server.error", 500, "An unexpected error occurred. It has been logged.");
    public static readonly ErrorCode Unavailable = new("server.unavailable", 503, "The service is temporarily unavailable.");
}
