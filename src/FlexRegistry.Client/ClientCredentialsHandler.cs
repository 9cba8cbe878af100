using System.Net.Http.Headers;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Client;

/// <summary>
/// Adds a bearer token obtained with OAuth 2 client credentials (<c>client_secret_post</c>) to every request, and
/// fetches a new one shortly before it expires or when the register answers 401.
/// </summary>
public sealed class ClientCredentialsHandler(Uri tokenEndpoint, string clientId, string clientSecret, string? scope = null, TimeProvider? time = null)
    : DelegatingHandler
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _token;
    private DateTimeOffset _refreshAt;

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
                ["client_secret"] = clientSecret,
            };
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
            _lock.Dispose();
        base.Dispose(disposing);
    }
}
