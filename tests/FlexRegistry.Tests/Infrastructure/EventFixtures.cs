using FlexRegistry.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>The app with a local webhook receiver; the dispatcher runs in the background on the real clock.</summary>
public interface IHaveWebhookReceiver
{
    WebhookReceiver Receiver { get; }
}

/// <summary>Open for variants that add settings (override <c>Settings</c>).</summary>
public class SqliteAppWithReceiver : SqliteApp, IHaveWebhookReceiver
{
    public WebhookReceiver Receiver { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Open for variants that add settings (override <c>Settings</c>).</summary>
public class PostgresAppWithReceiver : PostgresApp, IHaveWebhookReceiver
{
    public WebhookReceiver Receiver { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The app whose webhook dispatcher runs on a <see cref="FakeTimeProvider"/> and only when a test calls
/// <c>DispatchAsync</c>: hours and days of retries pass in milliseconds, deterministically.
/// </summary>
public interface IHaveWebhookClock : IHaveWebhookReceiver
{
    FakeTimeProvider Clock { get; }

    WebhookDispatcher Dispatcher { get; }
}

internal static class WebhookClock
{
    public static void Configure(IWebHostBuilder builder, FakeTimeProvider clock)
    {
        builder.UseSetting("Webhooks:DispatcherEnabled", "false");
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<WebhookDispatcher>();
            services.AddSingleton(sp => new WebhookDispatcher(
                sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<IHttpClientFactory>(),
                sp.GetRequiredService<WebhookOptions>(), sp.GetRequiredService<EventsOptions>(), clock,
                sp.GetRequiredService<EventLogSignal>(), sp.GetRequiredService<FlexRegistry.Shared.RegistryMetrics>(),
                sp.GetRequiredService<ILogger<WebhookDispatcher>>()));
        });
    }

    /// <summary>Runs dispatcher passes until one finds nothing to do.</summary>
    public static async Task DispatchAsync(this IHaveWebhookClock app, CancellationToken ct = default)
    {
        // The dispatcher fans out sequenced events: what the test just wrote is sequenced first.
        if (app is RegistryApp registry)
            await registry.EventsSequencedAsync();
        for (var i = 0; i < 1000 && await app.Dispatcher.RunOnceAsync(ct) > 0; i++)
        {
        }
    }

    /// <summary>Moves the clock forward in steps, dispatching after each.</summary>
    public static async Task AdvanceAsync(this IHaveWebhookClock app, TimeSpan total, TimeSpan step)
    {
        for (var passed = TimeSpan.Zero; passed < total; passed += step)
        {
            app.Clock.Advance(step);
            await app.DispatchAsync();
        }
    }
}

/// <summary>Open for variants that add settings or fake further clocked services on top (override <c>ConfigureWebHost</c>, call base).</summary>
public class SqliteAppWithWebhookClock : SqliteApp, IHaveWebhookClock
{
    public FakeTimeProvider Clock { get; } = new(TimeProvider.System.GetUtcNow());

    public WebhookReceiver Receiver { get; } = new();

    public WebhookDispatcher Dispatcher => Services.GetRequiredService<WebhookDispatcher>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        WebhookClock.Configure(builder, Clock);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Open for variants that add settings or fake further clocked services on top (override <c>ConfigureWebHost</c>, call base).</summary>
public class PostgresAppWithWebhookClock : PostgresApp, IHaveWebhookClock
{
    public FakeTimeProvider Clock { get; } = new(TimeProvider.System.GetUtcNow());

    public WebhookReceiver Receiver { get; } = new();

    public WebhookDispatcher Dispatcher => Services.GetRequiredService<WebhookDispatcher>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        WebhookClock.Configure(builder, Clock);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
