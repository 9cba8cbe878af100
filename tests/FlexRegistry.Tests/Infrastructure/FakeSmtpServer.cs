using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>
/// A local mail server speaking real SMTP (the SmtpServer package) on a free loopback port: the register's SMTP adapter
/// (MailKit) talks to it exactly as to a relay. Received messages are parsed with MimeKit for the tests to read.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public int Port { get; }

    public FakeSmtpServer()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    /// <summary>The register's settings that send through this server.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Email:Delivery", "Smtp"),
        new("Email:Smtp:Host", "127.0.0.1"),
        new("Email:Smtp:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Email:Smtp:Security", "None"),
    ];

    public IReadOnlyCollection<MimeMessage> Messages => _messages;

    /// <summary>The first message to <paramref name="to"/> (whose subject contains <paramref name="subject"/>), waiting for it to arrive.</summary>
    public async Task<MimeMessage> WaitForAsync(string to, string? subject = null, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = _messages.FirstOrDefault(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase))
                                                      && (subject is null || (m.Subject ?? "").Contains(subject, StringComparison.Ordinal)));
            if (found is not null)
                return found;
            var left = deadline - TimeProvider.System.GetUtcNow();
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"No email to {to} arrived; received: {string.Join("; ", _messages.Select(m => $"{m.To} {m.Subject}"))}");
            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The first link in a message's text that starts with the given path.</summary>
    public static Uri LinkIn(MimeMessage message, string path)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = message.TextBody ?? "";
        var match = System.Text.RegularExpressions.Regex.Match(text, @"https?://\S+" + System.Text.RegularExpressions.Regex.Escape(path) + @"\S*");
        Assert.True(match.Success, $"No link to {path} in: {text}");
        return new Uri(match.Value);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _arrived.Dispose();
    }

    private sealed class Store(FakeSmtpServer server) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            server._messages.Enqueue(MimeMessage.Load(stream, cancellationToken));
            server._arrived.Release();
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
