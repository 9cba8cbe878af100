using System.Net.Http.Headers;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Client;

/// <summary>
/// Adds a bearer token obtained with OAuth 2 client credentials to every request, and fetches a new one shortly
/// before it expires or when the register answers 401. The client authenticates with its secret
/// (<c>client_secret_post</c>) or with a signed assertion (<c>private_key_jwt</c>, <see cref="ClientAssertionKey"/>).
/// </summary>
public sealed class ClientCredentialsHandler : DelegatingHandler
{
    private readonly Uri tokenEndpoint;
    private readonly string clientId;
    private readonly string? clientSecret;
    private readonly ClientAssertionKey? assertionKey;
    private readonly string? scope;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _token;
    private DateTimeOffset _refreshAt;

    /// <summary>Authenticates with the client's secret (<c>client_secret_post</c>).</summary>
    public ClientCredentialsHandler(Uri tokenEndpoint, string clientId, string clientSecret, string? scope = null, TimeProvider? time = null)
        : this(tokenEndpoint, clientId, clientSecret, null, scope, time)
    {
        ArgumentNullException.ThrowIfNull(clientSecret);
    }

    /// <summary>Authenticates with an assertion signed by the client's private key (<c>private_key_jwt</c>).</summary>
    public ClientCredentialsHandler(Uri tokenEndpoint, string clientId, ClientAssertionKey key, string? scope = null, TimeProvider? time = null)
        : this(tokenEndpoint, clientId, null, key, scope, time)
    {
        ArgumentNullException.ThrowIfNull(key);
    }

    private ClientCredentialsHandler(Uri tokenEndpoint, string clientId, string? clientSecret, ClientAssertionKey? key, string? scope, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        ArgumentNullException.ThrowIfNull(clientId);
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        assertionKey = key;
        this.scope = scope;
        _time = time ?? TimeProvider.System;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(false, cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized || request.Content is { } and not ByteArrayContent and not StringContent)
            return response;
        // Once more with a fresh token (it may have been revoked and the client reinstated); bodies that cannot be
        // replayed (streams) are returned as they are.
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(true, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<string> TokenAsync(bool force, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (!force && _token is not null && _time.GetUtcNow() < _refreshAt)
                return _token;
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
            };
            if (assertionKey is not null)
            {
                // The register's issuer (its base address) is the assertion's audience.
                form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
                form["client_assertion"] = assertionKey.Sign(clientId, new Uri(tokenEndpoint, "/").AbsoluteUri, _time.GetUtcNow());
            }
            else
            {
                form["client_secret"] = clientSecret!;
            }
            if (scope is not null)
                form["scope"] = scope;
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint) { Content = new FormUrlEncodedContent(form) };
            using var response = await base.SendAsync(tokenRequest, ct);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"The token endpoint refused the client: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(ct)
                        ?? throw new HttpRequestException("The token endpoint sent an empty answer.");
            _token = token.AccessToken;
            _refreshAt = _time.GetUtcNow().AddSeconds(Math.Max(0, token.ExpiresIn - 60));
            return _token;
        }
        finally
        {
            _lock.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lock.Dispose();
            assertionKey?.Dispose();
        }
        base.Dispose(disposing);
    }
}
