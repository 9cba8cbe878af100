using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>The service on real Kestrel on a free loopback port, for clients outside this process (node, curl).</summary>
public sealed class KestrelSqliteApp : SqliteApp
{
    public KestrelSqliteApp() => UseKestrel(0);

    public override async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        StartServer();
    }

    public Uri Address => KestrelAddress.Of(Services);
}

public sealed class KestrelPostgresApp : PostgresApp
{
    public KestrelPostgresApp() => UseKestrel(0);

    public override async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        StartServer();
    }

    public Uri Address => KestrelAddress.Of(Services);
}

internal static class KestrelAddress
{
    public static Uri Of(IServiceProvider services)
    {
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reports no address.");
        var uri = new Uri(address);
        return new UriBuilder(uri) { Host = "127.0.0.1", Path = "/" }.Uri;
    }
}
