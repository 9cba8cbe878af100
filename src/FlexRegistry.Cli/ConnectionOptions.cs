using System.CommandLine;
using FlexRegistry.Client;

namespace FlexRegistry.Cli;

/// <summary>
/// The options that say which register to call and as whom: <c>--url</c>, <c>--client-id</c>, and either
/// <c>--client-secret</c> (client_secret_post) or <c>--key FILE</c> (private_key_jwt, a PEM or private JWK).
/// Each falls back to an environment variable: FLEXREG_URL, FLEXREG_CLIENT_ID, FLEXREG_CLIENT_SECRET, FLEXREG_KEY_FILE.
/// Only the commands that call the register carry them (<see cref="AddTo"/>); a local command's help does not list them.
/// </summary>
public sealed class ConnectionOptions(CliContext context)
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public Option<string?> Url { get; } = new("--url") { Description = $"The register's base address (env FLEXREG_URL; default {DefaultUrl})" };

    public Option<string?> ClientId { get; } = new("--client-id") { Description = "The API client's ID (env FLEXREG_CLIENT_ID)" };

    public Option<string?> ClientSecret { get; } = new("--client-secret") { Description = "The API client's secret (env FLEXREG_CLIENT_SECRET)" };

    public Option<string?> Key { get; } = new("--key") { Description = "A private key file (PEM or JWK) for private_key_jwt instead of a secret (env FLEXREG_KEY_FILE)" };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Url);
        command.Options.Add(ClientId);
        command.Options.Add(ClientSecret);
        command.Options.Add(Key);
    }

    /// <summary>A typed client for the chosen register, authenticated as the chosen client.</summary>
    public FlexRegistryClient CreateClient(ParseResult parsed, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var url = parsed.GetValue(Url) ?? context.Environment("FLEXREG_URL") ?? DefaultUrl;
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress))
            throw new ArgumentException($"--url '{url}' is not an absolute URL.");
        var clientId = parsed.GetValue(ClientId) ?? context.Environment("FLEXREG_CLIENT_ID")
            ?? throw new ArgumentException("--client-id (or FLEXREG_CLIENT_ID) is required.");
        var keyFile = parsed.GetValue(Key) ?? context.Environment("FLEXREG_KEY_FILE");
        var secret = parsed.GetValue(ClientSecret) ?? context.Environment("FLEXREG_CLIENT_SECRET");
        var tokenEndpoint = new Uri(baseAddress, "connect/token");
        ClientCredentialsHandler handler = keyFile is not null
            ? new ClientCredentialsHandler(tokenEndpoint, clientId, ClientAssertionKey.Load(keyFile))
            : new ClientCredentialsHandler(tokenEndpoint, clientId,
                secret ?? throw new ArgumentException("Give --client-secret (or FLEXREG_CLIENT_SECRET) or --key (or FLEXREG_KEY_FILE)."));
        handler.InnerHandler = context.Handler?.Invoke() ?? new SocketsHttpHandler();
        return new FlexRegistryClient(new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromMinutes(2) });
    }
}
