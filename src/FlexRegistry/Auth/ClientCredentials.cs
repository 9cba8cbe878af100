using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace FlexRegistry.Auth;

/// <summary>How a register API client is described to OpenIddict's application store.</summary>
internal static class ClientCredentials
{
    public static OpenIddictApplicationDescriptor Descriptor(string clientId, string displayName, string secret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
        };
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        return descriptor;
    }

    /// <summary>A client that authenticates with <c>private_key_jwt</c>: it holds no secret, only its public keys.</summary>
    public static OpenIddictApplicationDescriptor KeyDescriptor(string clientId, string displayName, JsonWebKeySet keys)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            JsonWebKeySet = keys,
        };
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        return descriptor;
    }
}
