using System.Net;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Platform;

/// <summary>The conformance check that every test host carries (<see cref="ResponseConformance"/>) can fail: answers that break the document are caught.</summary>
public sealed class ResponseConformanceTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    /// <summary>Rewrites one route's answer after the service made it, as a bug in the service would.</summary>
    private sealed class Tamper(string path, Func<HttpContext, Task> rewrite) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => builder =>
        {
            builder.Use(async (http, nextMiddleware) =>
            {
                if (http.Request.Path != path)
                {
                    await nextMiddleware(http);
                    return;
                }
                await rewrite(http);
            });
            next(builder);
        };
    }

    private async Task<HttpResponseMessage> GetThroughAsync(string path, Func<HttpContext, Task> rewrite)
    {
        // Added after the fixture's own filters, so it sits inside the conformance check, as the service does.
        var host = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddTransient<IStartupFilter>(_ => new Tamper(path, rewrite))));
        var client = await host.AuthenticatedAsync(FlexRegistry.Auth.ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        return await client.GetAsync(path);
    }

    [Fact]
    public async Task AnUndeclaredStatus_IsCaught()
    {
        using var response = await GetThroughAsync("/api/v1/reference/dno-areas", http =>
        {
            http.Response.StatusCode = StatusCodes.Status418ImATeapot;
            return Task.CompletedTask;
        });
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.True(response.Headers.Contains(ResponseConformance.ViolationHeader));
        Assert.Contains("does not declare", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyOffItsSchema_IsCaught()
    {
        using var response = await GetThroughAsync("/api/v1/reference/dno-areas", http =>
        {
            http.Response.StatusCode = 200;
            return http.Response.WriteAsJsonAsync(new[] { new { distributorId = "ten", unexpected = true } });
        });
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("does not match its schema", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUndeclaredMediaType_IsCaught()
    {
        using var response = await GetThroughAsync("/api/v1/reference/dno-areas", http =>
        {
            http.Response.StatusCode = 200;
            http.Response.ContentType = "text/html";
            return http.Response.WriteAsync("<p>hi</p>");
        });
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("not declared", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
