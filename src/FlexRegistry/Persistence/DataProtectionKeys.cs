using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Persistence;

/// <summary>Configuration section <c>DataProtection</c>.</summary>
public sealed class DataProtectionOptions
{
    /// <summary>
    /// PKCS#12 file with the certificate (and private key) that encrypts the Data Protection keys at rest. Created on first
    /// start (self-signed) when missing, like the token key file. Empty: an ephemeral certificate (tests only: the keys it
    /// protects are unreadable after a restart).
    /// </summary>
    public string? CertificateFile { get; set; } = "flexregistry-dataprotection.pfx";

    public string? CertificatePassword { get; set; }

    /// <summary>Earlier certificates, still able to decrypt keys they protected (rotation; see docs/operations.md).</summary>
    public List<string> PreviousCertificateFiles { get; set; } = [];
}

/// <summary>
/// ASP.NET Core Data Protection (session and antiforgery cookies, sign-in links) with its key ring in the register's
/// database (<c>data_protection_keys</c>), so every instance shares it, each key encrypted with a certificate from
/// configuration before it is stored.
/// </summary>
public static class DataProtectionKeys
{
    public static IServiceCollection AddRegistryDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("DataProtection").Get<DataProtectionOptions>() ?? new DataProtectionOptions();
        var certificate = LoadOrCreate(options.CertificateFile, options.CertificatePassword);
        var previous = options.PreviousCertificateFiles.Select(f => X509CertificateLoader.LoadPkcs12FromFile(f, options.CertificatePassword)).ToArray();
        services.AddDataProtection()
            .SetApplicationName("FlexRegistry")
            .PersistKeysToDbContext<RegistryDbContext>()
            .ProtectKeysWithCertificate(certificate)
            .UnprotectKeysWithAnyCertificate([certificate, .. previous]);
        return services;
    }

    private static X509Certificate2 LoadOrCreate(string? path, string? password)
    {
        if (string.IsNullOrWhiteSpace(path))
            return Create();
        if (File.Exists(path))
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
        using var created = Create();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
            Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, created.Export(X509ContentType.Pkcs12, password));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: false);
        return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
    }

    private static X509Certificate2 Create()
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=FlexRegistry Data Protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var now = TimeProvider.System.GetUtcNow();
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        // Round-trip through PKCS#12 so the private key is usable for decryption on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> b) =>
        b.ToTable("data_protection_keys");
}
