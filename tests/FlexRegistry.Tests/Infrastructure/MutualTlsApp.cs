using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>
/// A throwaway PKI made by the test: a CA (trusted by the register through its CA bundle file), two client certificates
/// it issued (A and B), a self-signed impostor with A's subject, and the server's own TLS certificate.
/// </summary>
public sealed class TestPki : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flexreg-pki-").FullName;

    public TestPki()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=FlexRegistry Test Client CA, O=Test", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        CaFile = Path.Combine(_directory, "client-ca.pem");
        File.WriteAllText(CaFile, Ca.ExportCertificatePem());

        ClientA = Issue("CN=client-a, O=Test Flex Ltd", 1);
        ClientB = Issue("CN=client-b, O=Test Flex Ltd", 2);
        Impostor = SelfSigned("CN=client-a, O=Test Flex Ltd", clientAuth: true);
        Server = SelfSigned("CN=127.0.0.1", clientAuth: false);
    }

    public X509Certificate2 Ca { get; }
    public string CaFile { get; }
    public X509Certificate2 ClientA { get; }
    public X509Certificate2 ClientB { get; }
    public X509Certificate2 Impostor { get; }
    public X509Certificate2 Server { get; }

    private X509Certificate2 Issue(string subject, byte serial)
    {
        var now = TimeProvider.System.GetUtcNow();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(Ca, now.AddHours(-1), now.AddDays(30), [serial, 1, 2, 3]);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Re-imported from PKCS#12 so that TLS can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 SelfSigned(string subject, bool clientAuth)
    {
        var now = TimeProvider.System.GetUtcNow();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(clientAuth ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")], false));
        if (!clientAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        using var created = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>An HTTPS client to the register presenting <paramref name="certificate"/> (or none); it trusts exactly the server's test certificate.</summary>
    public HttpClient Client(Uri address, X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        var server = Server.RawData;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(server);
        if (certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }
        return new HttpClient(handler) { BaseAddress = address };
    }

    public void Dispose()
    {
        Ca.Dispose();
        ClientA.Dispose();
        ClientB.Dispose();
        Impostor.Dispose();
        Server.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Not worth failing a run for.
        }
    }
}

internal static class MutualTlsKestrel
{
    public static IEnumerable<KeyValuePair<string, string?>> Settings(TestPki pki) =>
    [
        new("Auth:MutualTls:Enabled", "true"),
        new("Auth:MutualTls:TrustedCaFile", pki.CaFile),
    ];

    /// <summary>HTTPS only, on a free loopback port, asking for (not requiring) client certificates, as the register configures it.</summary>
    public static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, TestPki pki) =>
        kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(pki.Server, https =>
        {
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
        }));
}

/// <summary>The service on real Kestrel with HTTPS and mutual TLS enabled, on SQLite.</summary>
public sealed class MutualTlsSqliteApp : SqliteApp
{
    public MutualTlsSqliteApp() => UseKestrel(kestrel => MutualTlsKestrel.Listen(kestrel, Pki));

    public TestPki Pki { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => MutualTlsKestrel.Settings(Pki);

    public override async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        StartServer();
    }

    public Uri Address => KestrelAddress.Of(Services);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Pki.Dispose();
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class MutualTlsPostgresApp : PostgresApp
{
    public MutualTlsPostgresApp() => UseKestrel(kestrel => MutualTlsKestrel.Listen(kestrel, Pki));

    public TestPki Pki { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => MutualTlsKestrel.Settings(Pki);

    public override async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        StartServer();
    }

    public Uri Address => KestrelAddress.Of(Services);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Pki.Dispose();
    }
}
