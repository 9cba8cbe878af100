using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>
/// A local HTTP server answering like an OEM cloud platform's device API: <c>GET /devices/{manufacturer}/{serial}</c>
/// with a bearer API key, <c>{model, ratedPowerKw, capacityKwh}</c>, 404 for unknown devices, 401 for a wrong key.
/// Tests can make it fail a number of times to exercise the confirmation queue's retries.
/// </summary>
public sealed class FakeOemCloud : IAsyncDisposable
{
    public const string ApiKey = "test-oem-key";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, object> _devices = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();

    public ConcurrentQueue<(string Path, string? Authorization)> Requests { get; } = new();

    public Uri BaseUrl { get; }

    public FakeOemCloud()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/devices/{manufacturer}/{serial}", (string manufacturer, string serial, HttpContext http) =>
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            Requests.Enqueue((http.Request.Path, authorization));
            if (authorization != "Bearer " + ApiKey)
                return Results.Json(new { error = "invalid_token" }, statusCode: 401);
            if (_failuresLeft.TryGetValue(serial, out var left) && left > 0)
            {
                _failuresLeft[serial] = left - 1;
                return Results.StatusCode(503);
            }
            return _devices.TryGetValue(Key(manufacturer, serial), out var device)
                ? Results.Json(device)
                : Results.Json(new { error = "device_not_found" }, statusCode: 404);
        });
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = new Uri(_app.Urls.First() + "/");
    }

    public void AddDevice(string manufacturer, string serial, string model, double ratedPowerKw, double? capacityKwh = null) =>
        _devices[Key(manufacturer, serial)] = new { model, ratedPowerKw, capacityKwh };

    public void FailNext(string serial, int times) => _failuresLeft[serial] = times;

    public int RequestsFor(string serial) => Requests.Count(r => r.Path.EndsWith("/" + Uri.EscapeDataString(serial), StringComparison.Ordinal));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static string Key(string manufacturer, string serial) => manufacturer + "\n" + serial;

    public static IEnumerable<KeyValuePair<string, string?>> SettingsFor(FakeOemCloud fake) =>
    [
        new("OemCloud:BaseUrl", fake.BaseUrl.ToString()),
        new("OemCloud:ApiKey", ApiKey),
        new("AssetConfirmation:PollInterval", "00:00:00.200"),
        new("AssetConfirmation:FirstRetryDelay", "00:00:00.200"),
        new("AssetConfirmation:MaxAttempts", "5"),
    ];
}

public sealed class SqliteAppWithOemCloud : SqliteApp
{
    public FakeOemCloud OemCloud { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => FakeOemCloud.SettingsFor(OemCloud);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await OemCloud.DisposeAsync();
    }
}

public sealed class PostgresAppWithOemCloud : PostgresApp
{
    public FakeOemCloud OemCloud { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => FakeOemCloud.SettingsFor(OemCloud);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await OemCloud.DisposeAsync();
    }
}
