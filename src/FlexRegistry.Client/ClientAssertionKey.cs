using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FlexRegistry.Client;

/// <summary>
/// A client's private key for <c>private_key_jwt</c>: signs the short-lived client assertions the token endpoint
/// accepts (PS256 with an RSA key, ES256 with a P-256 key; nothing weaker). Load it from a PEM file (PKCS#8
/// <c>PRIVATE KEY</c>, <c>RSA PRIVATE KEY</c> or <c>EC PRIVATE KEY</c>) or a private JWK.
/// </summary>
public sealed class ClientAssertionKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;

    private ClientAssertionKey(RSA? rsa, ECDsa? ec, string? keyId)
    {
        _rsa = rsa;
        _ec = ec;
        KeyId = keyId;
    }

    /// <summary>The <c>kid</c> put in the assertion header, when known (JWK files carry one).</summary>
    public string? KeyId { get; }

    public string Algorithm => _rsa is not null ? "PS256" : "ES256";

    public static ClientAssertionKey FromRsa(RSA rsa, string? keyId = null) => new(rsa, null, keyId);

    public static ClientAssertionKey FromEcdsa(ECDsa ec, string? keyId = null) => new(null, ec, keyId);

    /// <summary>Reads a PEM or JWK file.</summary>
    public static ClientAssertionKey Load(string path, string? keyId = null)
    {
        var text = File.ReadAllText(path).Trim();
        return text.StartsWith('{') ? FromJwk(text) : FromPem(text, keyId);
    }

    public static ClientAssertionKey FromPem(string pem, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Contains("EC PRIVATE KEY", StringComparison.Ordinal))
            return FromEcdsa(ImportEc(pem), keyId);
        if (pem.Contains("RSA PRIVATE KEY", StringComparison.Ordinal))
            return FromRsa(ImportRsa(pem), keyId);
        // PKCS#8: try RSA, then EC.
        try
        {
            return FromRsa(ImportRsa(pem), keyId);
        }
        catch (CryptographicException)
        {
            return FromEcdsa(ImportEc(pem), keyId);
        }
    }

    public static ClientAssertionKey FromJwk(string json)
    {
        using var document = JsonDocument.Parse(json);
        var jwk = document.RootElement;
        string? Member(string name) => jwk.TryGetProperty(name, out var v) ? v.GetString() : null;
        byte[] Bytes(string name) => FromBase64Url(Member(name) ?? throw new FormatException($"The JWK has no '{name}'."));
        var kid = Member("kid");
        switch (Member("kty"))
        {
            case "RSA":
                var rsa = RSA.Create();
                rsa.ImportParameters(new RSAParameters
                {
                    Modulus = Bytes("n"),
                    Exponent = Bytes("e"),
                    D = Bytes("d"),
                    P = Bytes("p"),
                    Q = Bytes("q"),
                    DP = Bytes("dp"),
                    DQ = Bytes("dq"),
                    InverseQ = Bytes("qi"),
                });
                return FromRsa(rsa, kid);
            case "EC" when Member("crv") == "P-256":
                var ec = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Bytes("x"), Y = Bytes("y") },
                    D = Bytes("d"),
                });
                return FromEcdsa(ec, kid);
            default:
                throw new FormatException("Only RSA and EC P-256 private JWKs can sign client assertions.");
        }
    }

    /// <summary>A signed client assertion: iss = sub = the client, aud = the register, a fresh jti, one minute's life.</summary>
    public string Sign(string clientId, string audience, DateTimeOffset now)
    {
        var header = new Dictionary<string, string> { ["alg"] = Algorithm, ["typ"] = "client-authentication+jwt" };
        if (KeyId is not null)
            header["kid"] = KeyId;
        var issued = now.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience,
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["iat"] = issued,
            ["nbf"] = issued,
            ["exp"] = issued + 60,
        };
        var signingInput = ToBase64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + ToBase64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = _rsa is not null
            ? _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
            : _ec!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + ToBase64Url(signature);
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
    }

    private static RSA ImportRsa(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static ECDsa ImportEc(string pem)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return ec;
        }
        catch
        {
            ec.Dispose();
            throw;
        }
    }

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
