namespace FlexRegistry.Auth.People;

/// <summary>Absolute links to pages, for emails: the configured public address, else the address of the current request.</summary>
public sealed class WebLinks(WebOptions options, IHttpContextAccessor http)
{
    public const string DefaultBaseUrl = "http://127.0.0.1:5080/";

    public Uri To(string pathAndQuery)
    {
        var request = http.HttpContext?.Request;
        var baseUrl = options.PublicBaseUrl
                      ?? (request is null ? new Uri(DefaultBaseUrl) : new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/"));
        return new Uri(baseUrl, pathAndQuery.TrimStart('/'));
    }
}
