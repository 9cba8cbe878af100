using Microsoft.Net.Http.Headers;

namespace FlexRegistry.Shared;

/// <summary>
/// ETags and If-Match for every updatable resource, one way (RFC 9110 §8.8.3, §13.1.1): a resource's version is its
/// strong entity tag; <c>If-Match</c> is <c>*</c> (any current version) or a list of entity tags, parsed with the
/// framework's typed headers, and is met when any listed tag equals the current one under the strong comparison — a
/// weak tag (<c>W/"…"</c>) never matches.
/// </summary>
public static class EntityTags
{
    public static readonly ErrorCode IfMatchInvalid = new("request.if_match_invalid", 400,
        "If-Match is not * or a list of entity tags (RFC 9110 §13.1.1).");

    /// <summary>The strong entity tag of a version.</summary>
    public static string ETag(Guid version) => $"\"{version:N}\"";

    /// <summary>The request's If-Match condition; null when absent. A malformed field is refused (400).</summary>
    public static IfMatch? IfMatch(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var values = http.Request.Headers.IfMatch;
        if (values.Count == 0 || values.All(string.IsNullOrWhiteSpace))
            return null;
        if (!EntityTagHeaderValue.TryParseStrictList(values, out var tags) || tags.Count == 0)
            throw new DomainRuleException(IfMatchInvalid, "Send If-Match: * or the ETag you read, e.g. If-Match: \"…\" (a list is allowed).");
        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            // RFC 9110: "*" stands alone.
            if (tags.Count > 1)
                throw new DomainRuleException(IfMatchInvalid, "If-Match: * cannot be combined with entity tags.");
            return new IfMatch(AnyVersion: true, []);
        }
        return new IfMatch(AnyVersion: false, [.. tags.Select(t => (t.Tag.Value!, t.IsWeak))]);
    }
}

/// <summary>An If-Match precondition: <see cref="AnyVersion"/> for <c>*</c>, else the entity tags the caller listed.</summary>
public sealed record IfMatch(bool AnyVersion, IReadOnlyList<(string Tag, bool IsWeak)> Tags)
{
    /// <summary>Strong comparison: some listed tag is strong and equals the current version's tag.</summary>
    public bool IsMetBy(Guid? current) =>
        current is { } v && (AnyVersion || Tags.Any(t => !t.IsWeak && string.Equals(t.Tag, EntityTags.ETag(v), StringComparison.Ordinal)));
}
