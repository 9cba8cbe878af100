using System.Text.Json;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Shared;

/// <summary>
/// Turns every error into an RFC 9457 problem with a stable <c>code</c> extension. Nothing internal
/// (exception text, stack, SQL) reaches the caller; the trace ID ties the answer to the logs.
/// </summary>
public static class ProblemMapping
{
    private static readonly HashSet<string> ReservedMembers = new(StringComparer.OrdinalIgnoreCase) { "type", "title", "status", "detail", "instance", "code", "traceId" };

    public const string ProblemTypeBase = "https://flexregistry.org.uk/problems/";

    public static IServiceCollection AddProblemMapping(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ctx =>
        {
            var problem = ctx.ProblemDetails;
            problem.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier);
            if (!problem.Extensions.ContainsKey("code"))
            {
                var fallback = problem.Status switch
                {
                    404 => CommonErrors.NotFound,
                    405 => CommonErrors.MethodNotAllowed,
                    415 => CommonErrors.UnsupportedMediaType,
                    413 => CommonErrors.BodyTooLarge,
                    401 => CommonErrors.Unauthorised,
                    403 => CommonErrors.Forbidden,
                    503 => CommonErrors.Unavailable,
                    >= 500 => CommonErrors.Internal,
                    _ => CommonErrors.BadRequest,
                };
                Apply(problem, fallback);
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    internal static void Apply(ProblemDetails problem, ErrorCode error)
    {
        problem.Type = ProblemTypeBase + error.Code;
        problem.Title = error.Title;
        problem.Status = error.Status;
        problem.Extensions["code"] = error.Code;
    }

    /// <summary>Builds the problem for a broken rule; used by the exception handler and by endpoints that return problems directly.</summary>
    public static ProblemDetails ToProblem(ErrorCode error, string? detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Detail = detail };
        Apply(problem, error);
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                if (ReservedMembers.Contains(key))
                    throw new ArgumentException($"'{key}' is a standard problem member and cannot be an extension.", nameof(extensions));
                problem.Extensions[key] = value;
            }
        }
        return problem;
    }

    private sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
        : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var problem = Map(exception);
            if (problem.Status >= 500)
                logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            else
                logger.LogInformation("Request rejected with {Code}: {Detail}", problem.Extensions["code"], problem.Detail);

            httpContext.Response.StatusCode = problem.Status ?? 500;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = problem,
                Exception = exception,
            });
        }

        private static ProblemDetails Map(Exception exception) => exception switch
        {
            DomainRuleException rule => ToProblem(rule.Error, rule.Message, rule.Extensions),
            RequestValidationException invalid => ToProblem(invalid.Error, "One or more fields are invalid; every error is listed.",
                new Dictionary<string, object?> { ["errors"] = invalid.Errors }),
            BadHttpRequestException { StatusCode: 413 } => ToProblem(CommonErrors.BodyTooLarge, "The request body exceeds the allowed size."),
            BadHttpRequestException { StatusCode: 415 } => ToProblem(CommonErrors.UnsupportedMediaType, "Send the body as application/json."),
            BadHttpRequestException { InnerException: JsonException json } => ToProblem(CommonErrors.MalformedJson, DescribeJsonError(json),
                new Dictionary<string, object?>
                {
                    ["errors"] = new[] { new FieldError(JsonPath(json), "request.malformed_json", DescribeJsonError(json)) },
                }),
            BadHttpRequestException bad => ToProblem(
                bad.StatusCode == 415 ? CommonErrors.UnsupportedMediaType : CommonErrors.BadRequest,
                bad.StatusCode == 415 ? "Send the body as application/json." : SafeBadRequestDetail(bad)),
            OperationCanceledException => ToProblem(CommonErrors.Unavailable, "The request was cancelled."),
            // Two writers locking the same rows in opposite orders (e.g. an operator switch and the asset's decommissioning):
            // the database aborted this one and nothing of it was written.
            DbUpdateException update when update.IsDeadlock() => ToProblem(CommonErrors.ConcurrencyConflict,
                "Another change to the same records was written at the same moment; nothing of yours was changed. Read them again and retry."),
            _ => ToProblem(CommonErrors.Internal, "An unexpected error occurred; quote the traceId when reporting it."),
        };

        // JsonException messages from System.Text.Json describe position and expected type, never server internals.
        private static string DescribeJsonError(JsonException json) =>
            json.Path is { Length: > 0 } path
                ? $"The value at {path} could not be read: {FirstSentence(json.Message)}"
                : $"The body is not valid JSON: {FirstSentence(json.Message)}";

        private static string JsonPath(JsonException json) =>
            json.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "$";

        private static string FirstSentence(string message)
        {
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            return cut > 0 ? message[..cut] : message;
        }

        private static string SafeBadRequestDetail(BadHttpRequestException bad) =>
            bad.Message.StartsWith("Required parameter", StringComparison.Ordinal) ||
            bad.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal) ||
            bad.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) ||
            bad.Message.StartsWith("Expected a supported JSON media type", StringComparison.Ordinal)
                ? bad.Message
                : "The request could not be understood.";
    }
}

/// <summary>
/// Answers a broken rule that carries response headers (a 412 with the current ETag) from the endpoint itself: the
/// exception handler middleware strips ETag (and the caching headers) from every answer it writes, so such a problem
/// must not travel through it. Same problem body as <see cref="ProblemMapping"/> writes.
/// </summary>
public sealed class ProblemHeadersFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (DomainRuleException rule) when (rule.Headers.Count > 0)
        {
            foreach (var (name, value) in rule.Headers)
                context.HttpContext.Response.Headers[name] = value;
            return TypedResults.Problem(ProblemMapping.ToProblem(rule.Error, rule.Message, rule.Extensions));
        }
    }
}
