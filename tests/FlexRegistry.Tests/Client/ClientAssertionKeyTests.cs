using System.Security.Cryptography;
using FlexRegistry.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Tests.Client;

/// <summary>
/// <c>ClientAssertionKey</c> (what <c>flexreg --key</c> loads) signs client assertions an independent JWT library
/// accepts: PS256 from RSA PEM files (PKCS#8 and PKCS#1), ES256 from EC PEM files (PKCS#8 and SEC1), one-minute life.
/// </summary>
public sealed class ClientAssertionKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RsaPem_SignsPs256_ThatVerifies(bool pkcs8)
    {
        using var rsa = RSA.Create(2048);
        using var key = ClientAssertionKey.FromPem(pkcs8 ? rsa.ExportPkcs8PrivateKeyPem() : rsa.ExportRSAPrivateKeyPem(), "k1");
        Assert.Equal("PS256", key.Algorithm);
        using var publicKey = RSA.Create(rsa.ExportParameters(false));
        await AssertValidAsync(key.Sign("client-1", "https://registry.example/", Now), new RsaSecurityKey(publicKey), "PS256");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EcPem_SignsEs256_ThatVerifies(bool pkcs8)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = ClientAssertionKey.FromPem(pkcs8 ? ec.ExportPkcs8PrivateKeyPem() : ec.ExportECPrivateKeyPem());
        Assert.Equal("ES256", key.Algorithm);
        using var publicKey = ECDsa.Create(ec.ExportParameters(false));
        await AssertValidAsync(key.Sign("client-1", "https://registry.example/", Now), new ECDsaSecurityKey(publicKey), "ES256");
    }

    [Fact]
    public async Task TamperedAssertion_DoesNotVerify()
    {
        using var rsa = RSA.Create(2048);
        using var key = ClientAssertionKey.FromRsa(rsa);
        var token = key.Sign("client-1", "https://registry.example/", Now);
        var parts = token.Split('.');
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode("{\"iss\":\"someone-else\"}") + "." + parts[2];
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tampered, Parameters(new RsaSecurityKey(rsa), "PS256"));
        Assert.False(result.IsValid);
    }

    private static async Task AssertValidAsync(string token, SecurityKey key, string algorithm)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters(key, algorithm));
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal(algorithm, jwt.Alg);
        Assert.Equal("client-authentication+jwt", jwt.Typ);
        Assert.Equal("client-1", jwt.Subject);
        Assert.Equal(TimeSpan.FromMinutes(1), jwt.ValidTo - jwt.IssuedAt);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
    }

    private static TokenValidationParameters Parameters(SecurityKey key, string algorithm) => new()
    {
        IssuerSigningKey = key,
        ValidIssuer = "client-1",
        ValidAudience = "https://registry.example/",
        ValidAlgorithms = [algorithm],
        ValidateLifetime = false,
    };
}
