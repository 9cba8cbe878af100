using System.Globalization;
using FlexRegistry.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;

namespace FlexRegistry.Shared;

/// <summary>
/// The OpenAPI document states what the service enforces, generated from the same rules, keyed on types and
/// attributes so that a new endpoint needs no work of its own: every string's maxLength, every array's maxItems and
/// every integer's bounds come from <see cref="StrictJson.RuleOf(System.Reflection.ICustomAttributeProvider)"/> (the
/// member's DataAnnotations, or the defaults the checker applies); every operation lists the problems any request can
/// meet (400, 401/403 where a token is needed, 413/415 where it takes a body, 429, 500) with the rate-limit headers
/// <see cref="RateLimiting"/> sends; the security scheme declares every scope and the token profile (RFC 9068, RFC 8725).
/// </summary>
internal static class OpenApiSetup
{
    public const string ProblemSchema = "ProblemDetails";

    /// <summary>Rate-limit headers (draft-ietf-httpapi-ratelimit-headers, the RateLimit-Limit/-Remaining/-Reset fields), sent by <see cref="RateLimiting"/>.</summary>
    public static readonly IReadOnlyDictionary<string, string> RateLimitHeaders = new Dictionary<string, string>
    {
        ["RateLimit-Limit"] = "Requests the caller's current window or bucket allows (its burst). Sent while rate limits are enabled.",
        ["RateLimit-Remaining"] = "Requests left in the caller's window or bucket.",
        ["RateLimit-Reset"] = "Seconds until the window or bucket is full again.",
    };

    public static IServiceCollection AddRegistryOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "FlexRegistry API",
                    Version = "v1",
                    Description = "The common participant and asset register of Great Britain's flexibility markets. " +
                                  "Obtain a token at /connect/token (OAuth 2 client credentials) and send it as a Bearer token. " +
                                  "Errors are RFC 9457 problem details with a stable `code`.",
                };
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["oauth2"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.OAuth2,
                    Description = "OAuth 2 client credentials (client_secret_basic/_post where secrets are allowed, private_key_jwt always; " +
                                  "certificate-bound over mutual TLS where configured). Access tokens are RFC 9068 JWT access tokens (typ at+jwt) " +
                                  "signed PS256 with a key published at /.well-known/jwks, following the JWT best current practices of RFC8725: " +
                                  "explicit typing, one allowed algorithm, the issuer and audience checked, exp, iat and jti required, nbf honoured, " +
                                  "a 30-second clock skew, lifetime 15 minutes (no refresh tokens: ask for a new token). Send the token only in the " +
                                  "Authorization header (RFC 6750 §2.1); the query-string and form forms are refused. The token carries the " +
                                  "participant ID, roles and scopes.",
                    Flows = new OpenApiOAuthFlows
                    {
                        ClientCredentials = new OpenApiOAuthFlow
                        {
                            TokenUrl = new Uri("/connect/token", UriKind.Relative),
                            Scopes = Scopes.Descriptions.ToDictionary(s => s.Key, s => s.Value),
                        },
                    },
                };
                document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
                foreach (var (name, description) in RateLimitHeaders)
                {
                    document.Components.Headers[name] = new OpenApiHeader
                    {
                        Description = description,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = int.MaxValue.ToString(CultureInfo.InvariantCulture) },
                    };
                }
                document.Components.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying (RFC 9110 §10.2.3).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = int.MaxValue.ToString(CultureInfo.InvariantCulture) },
                };
                return Task.CompletedTask;
            });

            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)
                    || context.JsonTypeInfo.Type == typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))
                {
                    DescribeProblem(schema);
                    return Task.CompletedTask;
                }
                var rule = context.JsonPropertyInfo is { } property ? StrictJson.RuleOf(property) : StrictJson.FieldRule.Default;
                Bound(schema, rule, context.JsonTypeInfo.Type);
                return Task.CompletedTask;
            });

            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var anonymous = metadata.OfType<IAllowAnonymous>().Any();
                if (anonymous)
                {
                    // Explicitly open (OpenAPI: an empty requirement), rather than silently without security.
                    operation.Security = [new OpenApiSecurityRequirement()];
                }
                else
                {
                    // Each protected operation names the scheme and the scope its policy needs.
                    var scopes = metadata.OfType<IAuthorizeData>()
                        .Select(a => a.Policy)
                        .Where(p => p is not null && p.StartsWith("scope:", StringComparison.Ordinal))
                        .Select(p => p![6..])
                        .ToList();
                    if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == Policies.RegistryOperator))
                        scopes.Add(Scopes.RegistryAdmin);
                    operation.Security =
                    [
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("oauth2", context.Document)] = scopes },
                    ];
                }

                operation.Responses ??= new OpenApiResponses();
                var document = context.Document;
                AddProblem(operation, document, "400", "The request is invalid; every broken rule is listed in errors (e.g. request.validation_failed, request.malformed_json, request.duplicate_member).");
                if (!anonymous)
                {
                    AddProblem(operation, document, "401", "No valid access token (problem auth.unauthenticated, auth.token_revoked or auth.certificate_mismatch).");
                    AddProblem(operation, document, "403", "The token lacks the scope or role (problem auth.forbidden).");
                }
                var takesBody = operation.RequestBody is not null || metadata.OfType<IAcceptsMetadata>().Any() || metadata.OfType<AcceptedMediaTypes>().Any();
                if (takesBody)
                {
                    AddProblem(operation, document, "413", "The body exceeds the size limit (problem request.body_too_large).");
                    AddProblem(operation, document, "415", "The body's media type or charset is not one this operation takes (problem request.unsupported_media_type).");
                }
                else
                {
                    AddProblem(operation, document, "415", "This operation takes no body; one was sent (problem request.unsupported_media_type).");
                }
                AddProblem(operation, document, "429", "Too many requests (problem request.rate_limited); wait for Retry-After seconds.");
                AddProblem(operation, document, "500", "An unexpected error (problem server.error); nothing internal is disclosed, quote the traceId.");
                foreach (var (status, response) in operation.Responses)
                {
                    if (response is not OpenApiResponse concrete)
                        continue;
                    if (status.StartsWith('4') || status.StartsWith('5'))
                        UseProblemSchema(concrete, document);
                    if (status.StartsWith('2') || status.StartsWith('4'))
                    {
                        concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        foreach (var header in RateLimitHeaders.Keys)
                            concrete.Headers.TryAdd(header, new OpenApiHeaderReference(header, document));
                    }
                    if (status == "429")
                    {
                        concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        concrete.Headers.TryAdd("Retry-After", new OpenApiHeaderReference("Retry-After", document));
                    }
                }
                return Task.CompletedTask;
            });
        });

    /// <summary>States the bounds the checker enforces where the generator has not already taken them from the attributes.</summary>
    private static void Bound(OpenApiSchema schema, StrictJson.FieldRule rule, Type type)
    {
        var kinds = schema.Type ?? 0;
        if (kinds.HasFlag(JsonSchemaType.String) && schema.MaxLength is null && schema.Enum is not { Count: > 0 } && schema.Const is null)
        {
            schema.MaxLength = schema.Format switch
            {
                "date" => 10,
                "date-time" => 35,
                "uuid" => 36,
                "time" => 18,
                _ => rule.MaxLength,
            };
        }
        if (kinds.HasFlag(JsonSchemaType.Array) && schema.MaxItems is null)
            schema.MaxItems = rule.MaxItems;
        if (kinds.HasFlag(JsonSchemaType.Integer))
        {
            var range = StrictJson.IntegerRange(type) ?? (int.MinValue, int.MaxValue);
            schema.Minimum ??= (rule.Minimum ?? range.Min).ToString(CultureInfo.InvariantCulture);
            schema.Maximum ??= (rule.Maximum ?? range.Max).ToString(CultureInfo.InvariantCulture);
        }
        if (kinds.HasFlag(JsonSchemaType.Object) && schema.AdditionalProperties is not null && schema.MaxProperties is null)
            schema.MaxProperties = rule.MaxItems;
    }

    /// <summary>
    /// RFC 9457 as the register sends it (<see cref="ProblemMapping"/>): the standard members, the stable <c>code</c>, the
    /// <c>traceId</c>, the field <c>errors</c> when a request broke rules, and extensions such as <c>existingAssetId</c>.
    /// </summary>
    private static void DescribeProblem(OpenApiSchema schema)
    {
        static OpenApiSchema Text(int max, string description, bool nullable = true) => new()
        {
            Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String,
            MaxLength = max,
            Description = description,
        };
        schema.Type = JsonSchemaType.Object;
        schema.Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text(200, "URI of the problem type: https://flexregistry.org.uk/problems/{code}."),
            ["title"] = Text(200, "Short summary of the problem type."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32", Minimum = "400", Maximum = "599" },
            ["detail"] = Text(InputText.DefaultMaxLength * 2, "What went wrong with this request."),
            ["instance"] = Text(2000, "The request's path, where given."),
            ["code"] = Text(100, "The stable error code (docs/errors.md).", nullable: false),
            ["traceId"] = Text(100, "Ties the answer to the service's logs.", nullable: false),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "Every broken rule of the request, at once.",
                MaxItems = 10_000,
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "field", "code", "message" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["field"] = Text(InputText.DefaultMaxLength, "JSON path of the member (or the column, the parameter).", nullable: false),
                        ["code"] = Text(100, "The rule's stable code.", nullable: false),
                        ["message"] = Text(InputText.DefaultMaxLength * 2, "What the rule says.", nullable: false),
                    },
                    AdditionalPropertiesAllowed = false,
                },
            },
            ["existingParticipantId"] = Text(50, "participant.already_registered: the participant already registered."),
            ["existingAssetId"] = Text(50, "asset.duplicate: the asset already registered."),
        };
        schema.Required = new HashSet<string> { "code", "traceId" };
        // RFC 9457 §3.2: problem types may carry further members (e.g. existingGrantId, allowed); a client ignores those it does not know.
        schema.AdditionalProperties = null;
        schema.AdditionalPropertiesAllowed = true;
        schema.MaxProperties = 20;
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiDocument? document, string status, string description)
    {
        if (operation.Responses!.TryGetValue(status, out var existing))
        {
            if (existing is OpenApiResponse concrete && (concrete.Description is null || concrete.Description.Split(' ').Length <= 3))
                concrete.Description = description;
            return;
        }
        operation.Responses[status] = new OpenApiResponse { Description = description };
    }

    private static void UseProblemSchema(OpenApiResponse response, OpenApiDocument? document)
    {
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content.Remove("application/json");
        response.Content["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) };
    }

}
