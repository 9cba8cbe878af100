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
        });
}
