using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>One webhook request as the receiver saw it, and what it answered.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signature, string Body, int Answered)
{
    public JsonElement Event => JsonDocument.Parse(Body).RootElement;

    public string Subject => Event.GetProperty("subject").GetString()!;

    public string Type => Event.GetProperty("type").GetString()!;

    public long Sequence => long.Parse(Event.GetProperty("sequence").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A local HTTP server receiving webhooks the way a subscriber would. Each path answers 204 unless told otherwise
/// (<see cref="Answer"/>): tests make it fail, ask for a later retry, or say the endpoint is gone.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<ReceivedWebhook, (int Status, string? RetryAfter)>> _answers = new();

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new();

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri BaseUrl { get; }

    public WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var path = http.Request.Path.Value!;
            var probe = new ReceivedWebhook(path, http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(), body, 0);
            var held = _holds.TryGetValue(path, out var hold);
            if (held)
            {
                // Simulates a receiver still working when the registry stops: the request arrived but was never answered.
                Received.Enqueue(probe);
                await hold!.Task.WaitAsync(http.RequestAborted);
            }
            var (status, retryAfter) = _answers.TryGetValue(path, out var answer) ? answer(probe) : (204, null);
            if (!held)
                Received.Enqueue(probe with { Answered = status });
            if (retryAfter is not null)
                http.Response.Headers.RetryAfter = retryAfter;
            http.Response.StatusCode = status;
        });
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = new Uri(_app.Urls.First() + "/");
    }

    /// <summary>A fresh path on this receiver, so each test sees only its own webhooks.</summary>
    public string NewUrl() => new Uri(BaseUrl, "hooks/" + Guid.NewGuid().ToString("N")).ToString();

    public void Answer(string url, Func<ReceivedWebhook, (int Status, string? RetryAfter)> answer) => _answers[new Uri(url).AbsolutePath] = answer;

    /// <summary>Requests to <paramref name="url"/> arrive but get no answer until <see cref="Release"/>.</summary>
    public void Hold(string url) => _holds[new Uri(url).AbsolutePath] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string url)
    {
        if (_holds.TryRemove(new Uri(url).AbsolutePath, out var hold))
            hold.TrySetResult();
    }

    public IReadOnlyList<ReceivedWebhook> At(string url) => [.. Received.Where(r => r.Path == new Uri(url).AbsolutePath)];

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
