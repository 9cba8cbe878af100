using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>
/// Every response any test receives from an /api/ route is checked against the document the service serves: the
/// status is declared for the operation, a body's media type is declared for that status, and a JSON body validates
/// against the declared schema (JSON Schema 2020-12, as OpenAPI 3.1 uses it). It sits in front of the service in every
/// test host (<see cref="RegistryApp"/> adds it), so existing and future tests are all conformance tests. A response that
/// breaks the contract is replaced by a 500 whose body says what broke, so the test that received it fails and shows why.
/// </summary>
public static class ResponseConformance
{
    public const string ViolationHeader = "X-Conformance-Violation";

    public static void AddTo(IServiceCollection services) => services.AddTransient<IStartupFilter, Filter>();

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var contract = new Contract(app.ApplicationServices);
            app.Use(async (http, nextMiddleware) =>
            {
                // Streamed exports pass through unbuffered: what the tests observe of them (rows arriving, a response cut off
                // mid-stream when the access log fails) only exists unbuffered. Their status and media type are still
                // declared in the document (OpenApiDocumentTests), and their bodies are checked by the export tests.
                if (!http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
                    || http.Request.Path.Value!.EndsWith("/export", StringComparison.Ordinal))
                {
                    await nextMiddleware(http);
                    return;
                }
                var original = http.Response.Body;
                using var buffer = new MemoryStream();
                http.Response.Body = buffer;
                try
                {
                    await nextMiddleware(http);
                    // Results written through BodyWriter (a pipe over the buffer) reach the buffer when the pipe is flushed.
                    await http.Response.BodyWriter.FlushAsync();
                }
                finally
                {
                    http.Response.Body = original;
                }
                var violation = await contract.ViolationAsync(http, buffer.ToArray());
                if (violation is not null && !http.Response.HasStarted)
                {
                    http.Response.Clear();
                    http.Response.StatusCode = 500;
                    http.Response.Headers[ViolationHeader] = "true";
                    http.Response.ContentType = "text/plain; charset=utf-8";
                    await http.Response.WriteAsync("The response breaks the served OpenAPI document: " + violation);
                    return;
                }
                buffer.Position = 0;
                await buffer.CopyToAsync(original);
            });
            next(app);
        };
    }

    private sealed class Contract
    {
        private readonly IServiceProvider _services;
        private readonly Lazy<Task> _loaded;
        private JsonObject? _document;
        private List<(Regex Path, JsonObject Item)> _paths = [];

        public Contract(IServiceProvider services)
        {
            _services = services;
            _loaded = new Lazy<Task>(LoadAsync);
        }
        private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
        private int _counter;

        public async Task<string?> ViolationAsync(HttpContext http, byte[] body)
        {
            await _loaded.Value;
            var path = http.Request.Path.Value ?? "";
            var item = _paths.FirstOrDefault(p => p.Path.IsMatch(path)).Item;
            var method = http.Request.Method.ToLowerInvariant();
            if (item?[method] is not JsonObject operation)
                return null; // not an operation of the document: routing answered (404, 405); nothing to hold it to
            var status = http.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var responses = operation["responses"]!.AsObject();
            var response = responses[status] ?? responses[status[0] + "XX"] ?? responses["default"];
            var where = $"{http.Request.Method} {path} answered {status}";
            if (response is null)
                return $"{where}, which the operation does not declare (it declares {string.Join(", ", responses.Select(r => r.Key))}).";
            if (body.Length == 0)
                return null;
            var mediaType = (http.Response.ContentType ?? "").Split(';')[0].Trim();
            if (response["content"]?[mediaType] is not JsonObject declared)
                return $"{where} with a {mediaType} body, which is not declared for it (declared: {string.Join(", ", response["content"]?.AsObject().Select(c => c.Key) ?? [])}).";
            if (!mediaType.EndsWith("json", StringComparison.Ordinal) || declared["schema"] is not JsonNode schemaNode)
                return null;
            var schema = _schemas.GetOrAdd(schemaNode.ToJsonString(), Build);
            // NDJSON: each line is one instance of the schema.
            var instances = mediaType.EndsWith("ndjson", StringComparison.Ordinal)
                ? Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                : [Encoding.UTF8.GetString(body)];
            foreach (var text in instances)
            {
                if (Validate(schema, text) is { } problem)
                    return $"{where} with a body that does not match its schema: {problem}. Body: {Clip(text)}";
            }
            return null;
        }

        private static string? Validate(JsonSchema schema, string text)
        {
            JsonDocument instance;
            try
            {
                instance = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                return "not JSON: " + e.Message;
            }
            using (instance)
            {
                var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                if (result.IsValid)
                    return null;
                var errors = (result.Details ?? [])
                    .Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
                    .Distinct()
                    .Take(10);
                return string.Join("; ", errors);
            }
        }

        private static string Clip(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

        /// <summary>A response schema with the document's component schemas as its <c>$defs</c>.</summary>
        private JsonSchema Build(string schemaJson)
        {
            var defs = _document!["components"]?["schemas"]?.DeepClone() ?? new JsonObject();
            var root = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$defs"] = defs,
                ["allOf"] = new JsonArray(JsonNode.Parse(schemaJson)),
            };
            var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
            var id = new Uri($"https://conformance.flexregistry.test/{Interlocked.Increment(ref _counter)}");
            return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, id);
        }

        private async Task LoadAsync()
        {
            var provider = _services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1");
            var document = await provider.GetOpenApiDocumentAsync();
            var json = JsonNode.Parse(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1))!.AsObject();
            // Literal paths before templated ones: /participants/requirements is not /participants/{id}.
            _paths = [.. json["paths"]!.AsObject()
                .OrderBy(p => p.Key.Count(c => c == '{'))
                .Select(p => (new Regex("^" + Regex.Replace(Regex.Escape(p.Key), @"\\\{[^/]+?}", "[^/]+") + "/?$"), p.Value!.AsObject()))];
            _document = json;
        }
    }
}
