namespace FlexRegistry.Shared;

/// <summary>
/// A business rule was broken. One handler maps it to an RFC 9457 problem carrying <see cref="Error"/>'s code,
/// so use cases throw this instead of building HTTP responses.
/// </summary>
public sealed class DomainRuleException(
    ErrorCode error,
    string detail,
    IReadOnlyDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public ErrorCode Error { get; } = error;
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    /// <summary>Response headers the problem answer carries (e.g. the current ETag with a 412).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>One broken rule on one field; <see cref="Field"/> is a JSON path such as <c>registeredAddress.postcode</c>.</summary>
public sealed record FieldError(string Field, string Code, string Message);

/// <summary>Input broke one or more field rules; every broken rule is reported at once.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldError> errors, ErrorCode? error = null)
    : Exception("The request has invalid fields.")
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;
    public ErrorCode Error { get; } = error ?? CommonErrors.ValidationFailed;
}
