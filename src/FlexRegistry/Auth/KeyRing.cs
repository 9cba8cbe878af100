using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Auth;

/// <summary>
/// Token signing and encryption keys that survive restarts (tokens stay valid), kept in a file readable only by the
/// service's user. Deployments may instead mount a key file from their secret store.
/// </summary>
internal static class KeyRing
{
    private sealed record KeyFile(string SigningKeyPem, string EncryptionKey);

    public static (SecurityKey Signing, SecurityKey Encryption) LoadOrCreate(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            return (new RsaSecurityKey(RSA.Create(2048)) { KeyId = "ephemeral" }, new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));

        KeyFile keys;
        if (File.Exists(path))
        {
            keys = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path))
                   ?? throw new InvalidOperationException($"The key file {path} is empty.");
        }
        else
        {
            using var rsa = RSA.Create(2048);
            keys = new KeyFile(rsa.ExportPkcs8PrivateKeyPem(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
                Directory.CreateDirectory(directory);
            var temp = path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(keys));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temp, path, overwrite: false);
        }

        var signing = RSA.Create();
        signing.ImportFromPem(keys.SigningKeyPem);
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(signing.ExportSubjectPublicKeyInfo()))[..16];
        return (new RsaSecurityKey(signing) { KeyId = keyId }, new SymmetricSecurityKey(Convert.FromBase64String(keys.EncryptionKey)));
    }
}
