using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlexRegistry.Pages;

/// <summary>
/// The base of every page. A page is one use case: its handlers bind the form, call the SAME use-case handler as the
/// API endpoint with the SAME <see cref="Caller"/> (built from the person's session, which carries the claims an API
/// token of that user would), and render the result. Broken rules come back as the handler's field errors, shown all at
/// once in the GOV.UK error summary; a resource the person may not see is a 404, exactly as in the API.
/// </summary>
public abstract class RegistryPage : PageModel
{
    private readonly List<FieldError> _errors = [];

    /// <summary>The broken rules to show: every one at once, in the error summary and beside their fields.</summary>
    public IReadOnlyList<FieldError> Errors => _errors;

    /// <summary>Who is acting: the same record the API builds from an access token.</summary>
    public Caller Caller => Caller.From(User);

    public PersonIdentity? Person => PersonIdentity.From(User);

    /// <summary>The page's title (the browser tab and the h1); "Error: " is prefixed when there are errors.</summary>
    public abstract string Title { get; }

    public FieldError? ErrorFor(string field) => _errors.FirstOrDefault(e => e.Field == field);

    protected void AddError(string field, string code, string message) => _errors.Add(new FieldError(field, code, message));

    protected void AddErrors(IEnumerable<FieldError> errors) => _errors.AddRange(errors);

    protected void ClearErrors() => _errors.Clear();

    /// <summary>
    /// Runs a use case. Success: null (the caller redirects or renders). Broken rules: the page again with every error.
    /// Not visible to this person: 404, as the API answers.
    /// </summary>
    protected async Task<IActionResult?> RunAsync(Func<Task> useCase)
    {
        ArgumentNullException.ThrowIfNull(useCase);
        try
        {
            await useCase();
            return _errors.Count == 0 ? null : Page();
        }
        catch (RequestValidationException e)
        {
            _errors.AddRange(e.Errors);
            return Page();
        }
        catch (DomainRuleException e) when (e.Error.Status == 404)
        {
            return NotFound();
        }
        catch (DomainRuleException e)
        {
            _errors.Add(new FieldError(FieldOf(e), e.Error.Code, e.Message));
            return Page();
        }
    }

    /// <summary>Reads a resource for display; not visible to this person: 404.</summary>
    protected async Task<T?> LoadAsync<T>(Func<Task<T>> read) where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return await read();
        }
        catch (DomainRuleException e) when (e.Error.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Rule violations that name a field in their extensions point the summary at it; others at the form.</summary>
    private static string FieldOf(DomainRuleException e) =>
        e.Extensions.TryGetValue("field", out var field) && field is string f ? f : "";

    /// <summary>A local return address only: anything else (another host, a scheme, //, \\) is replaced by the dashboard.</summary>
    public static string SafeReturnUrl(string? returnUrl, string fallback = "/dashboard") =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
        && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.Contains('\\', StringComparison.Ordinal)
        && Uri.IsWellFormedUriString(returnUrl, UriKind.Relative)
            ? returnUrl
            : fallback;
}
