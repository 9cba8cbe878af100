using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>
/// A local HTTP server answering like the Companies House public data API: <c>GET /company/{number}</c>, HTTP basic
/// auth with the API key as user name, a company profile in Companies House's JSON shape, 404 for unknown companies,
/// 401 for a wrong key. Tests can make it fail a number of times to exercise retries.
/// </summary>
public sealed class FakeCompaniesHouse : IAsyncDisposable
{
    public const string ApiKey = "test-ch-key";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, object> _companies = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();

    public ConcurrentQueue<(string Path, string? Authorization)> Requests { get; } = new();

    public Uri BaseUrl { get; }

    public FakeCompaniesHouse()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/company/{number}", (string number, HttpContext http) =>
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            Requests.Enqueue((http.Request.Path, authorization));
            var expected = "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(ApiKey + ":"));
            if (authorization != expected)
                return Results.Json(new { error = "Invalid Authorization", type = "ch:service" }, statusCode: 401);
            if (_failuresLeft.TryGetValue(number, out var left) && left > 0)
            {
                _failuresLeft[number] = left - 1;
                return Results.StatusCode(503);
            }
            return _companies.TryGetValue(number, out var profile)
                ? Results.Json(profile)
                : Results.Json(new { errors = new[] { new { error = "company-profile-not-found", type = "ch:service" } } }, statusCode: 404);
        });
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = new Uri(_app.Urls.First() + "/");
    }

    /// <summary>Registers a company the way Companies House would describe it.</summary>
    public void AddCompany(string number, string name, string postcode, string status = "active") =>
        _companies[number] = new Dictionary<string, object>
        {
            ["company_name"] = name,
            ["company_number"] = number,
            ["company_status"] = status,
            ["type"] = "ltd",
            ["date_of_creation"] = "2015-04-01",
            ["registered_office_address"] = new Dictionary<string, string>
            {
                ["address_line_1"] = "1 Station Road",
                ["locality"] = "Cambridge",
                ["postal_code"] = postcode,
                ["country"] = "England",
            },
            ["links"] = new Dictionary<string, string> { ["self"] = $"/company/{number}" },
        };

    public void FailNext(string number, int times) => _failuresLeft[number] = times;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>The app with Companies House verification switched on, pointed at the fake.</summary>
public abstract class CompaniesHouseFixture
{
    public static IEnumerable<KeyValuePair<string, string?>> SettingsFor(FakeCompaniesHouse fake) =>
    [
        new("CompaniesHouse:BaseUrl", fake.BaseUrl.ToString()),
        new("CompaniesHouse:ApiKey", FakeCompaniesHouse.ApiKey),
        new("Verification:FirstRetryDelay", "00:00:00.200"),
        new("Verification:MaxAttempts", "5"),
    ];
}

public sealed class SqliteAppWithCompaniesHouse : SqliteApp
{
    public FakeCompaniesHouse CompaniesHouse { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => CompaniesHouseFixture.SettingsFor(CompaniesHouse);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await CompaniesHouse.DisposeAsync();
    }
}

public sealed class PostgresAppWithCompaniesHouse : PostgresApp
{
    public FakeCompaniesHouse CompaniesHouse { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => CompaniesHouseFixture.SettingsFor(CompaniesHouse);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await CompaniesHouse.DisposeAsync();
    }
}
