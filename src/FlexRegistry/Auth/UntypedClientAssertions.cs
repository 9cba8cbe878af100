using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FlexRegistry.Auth;

/// <summary>
/// RFC 7523 does not require client assertions to carry a <c>typ</c> header, and common clients (npm's openid-client,
/// many FAPI test suites) send none or <c>JWT</c>; OpenIddict accepts only the explicit
/// <c>client-authentication+jwt</c> type. For the token that is this request's <c>client_assertion</c> — and only
/// for it — an absent or generic type is accepted as a client assertion. Cross-token confusion stays impossible: the
/// assertion must still be signed by one of the client's registered keys and addressed to this issuer.
/// </summary>
internal sealed class UntypedClientAssertions : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<UntypedClientAssertions>()
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Request?.ClientAssertion is not { Length: > 0 } assertion
            || !string.Equals(context.Token, assertion, StringComparison.Ordinal)
            || context.TokenValidationParameters is null)
            return ValueTask.CompletedTask;

        var parameters = context.TokenValidationParameters.Clone();
        var inner = parameters.TypeValidator;
        parameters.TypeValidator = (type, token, validation) =>
            string.IsNullOrEmpty(type) || string.Equals(type, "JWT", StringComparison.OrdinalIgnoreCase)
                ? JsonWebTokenTypes.ClientAuthentication
                : inner is null ? type : inner(type, token, validation);
        context.TokenValidationParameters = parameters;
        return ValueTask.CompletedTask;
    }
}
