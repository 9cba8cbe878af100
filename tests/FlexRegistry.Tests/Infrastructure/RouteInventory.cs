using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using FlexRegistry.Auth;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>One routed endpoint and one of its methods, as the routing table has it.</summary>
public sealed record RouteInfo(string Method, string Pattern, RouteEndpoint Endpoint)
{
    public string Key => $"{Method} /{Pattern}";

    /// <summary>The type a JSON body is bound to (null: the endpoint binds no JSON body).</summary>
    public Type? RequestType => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    /// <summary>Every media type the endpoint declares it takes.</summary>
    public IReadOnlyList<string> MediaTypes =>
        [.. Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [], .. Endpoint.Metadata.GetMetadata<AcceptedMediaTypes>()?.MediaTypes ?? []];

    public bool TakesJson => RequestType is not null;

    public bool Anonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    /// <summary>Protected by the policy of a person signed in at an external issuer (not an API client's token).</summary>
    public bool ForExternalIdentity => Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == ExternalIssuers.IdentityPolicy);

    /// <summary>A path for the route with every parameter filled with <paramref name="value"/>.</summary>
    public string Path(string value) => "/" + Regex.Replace(Pattern.Trim('/'), @"\{[^}]+\}", value);
}

/// <summary>
/// The routing table as the tests enumerate it: every endpoint of the register, so that a class of input is tried on
/// every endpoint that takes it and a new endpoint cannot be left out.
/// </summary>
public static class RouteInventory
{
    public static IReadOnlyList<RouteInfo> All(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => new RouteInfo(m, e.RoutePattern.RawText!.Trim('/'), e)))
            .Where(r => !r.Pattern.StartsWith("docs", StringComparison.Ordinal))];

    /// <summary>The API's endpoints that need an access token.</summary>
    public static IReadOnlyList<RouteInfo> Protected(IServiceProvider services) =>
        [.. All(services).Where(r => !r.Anonymous && r.Pattern.StartsWith("api/", StringComparison.Ordinal))];

    /// <summary>The endpoints that bind a JSON body.</summary>
    public static IReadOnlyList<RouteInfo> JsonBodies(IServiceProvider services) => [.. All(services).Where(r => r.TakesJson)];

    /// <summary>
    /// The JSON path and member chain to the first member of <paramref name="type"/> (depth first) whose type satisfies
    /// <paramref name="wanted"/>, e.g. ["insurance", "publicLiabilityCoverGbp"]; null when it has none.
    /// </summary>
    public static IReadOnlyList<JsonPropertyInfo>? FindMember(Type type, Func<Type, bool> wanted, System.Text.Json.JsonSerializerOptions options, int depth = 0)
    {
        if (depth > 4)
            return null;
        var info = options.GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object)
            return null;
        foreach (var property in info.Properties)
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (wanted(propertyType))
                return [property];
            if (propertyType.IsClass && propertyType != typeof(string) && FindMember(propertyType, wanted, options, depth + 1) is { } inner)
                return [property, .. inner];
        }
        return null;
    }
}
