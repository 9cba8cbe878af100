using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace FlexRegistry.Shared;

internal static class OpenApiSetup
{
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
                    Description = "OAuth 2 client credentials; the token carries the participant ID, roles and scopes.",
                    Flows = new OpenApiOAuthFlows
                    {
                        ClientCredentials = new OpenApiOAuthFlow { TokenUrl = new Uri("/connect/token", UriKind.Relative) },
                    },
                };
                return Task.CompletedTask;
            });
            // Each protected operation names the scheme, the scope its policy needs, and its 401/403 answers.
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAllowAnonymous>().Any())
                    return Task.CompletedTask;
                var scopes = metadata.OfType<IAuthorizeData>()
                    .Select(a => a.Policy)
                    .Where(p => p is not null && p.StartsWith("scope:", StringComparison.Ordinal))
                    .Select(p => p![6..])
                    .ToList();
                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == Auth.Policies.RegistryOperator))
                    scopes.Add(Auth.Scopes.RegistryAdmin);
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("oauth2", context.Document)] = scopes },
                ];
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid access token (problem auth.unauthenticated or auth.token_revoked)." });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token lacks the scope or role (problem auth.forbidden)." });
                return Task.CompletedTask;
            });
        });
}
