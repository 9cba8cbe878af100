using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
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
    /// Not visible to this person: 404, as the API answers; or, when the form names the missing resource in a field
    /// (<paramref name="notFoundField"/>: an asset ID typed into a form), that field's error, with the API's message.
    /// </summary>
    protected async Task<IActionResult?> RunAsync(Func<Task> useCase, string? notFoundField = null)
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
            if (notFoundField is null)
                return NotFound();
            _errors.Add(new FieldError(notFoundField, e.Error.Code, e.Message));
            return Page();
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

    /// <summary>
    /// For a form on a page whose own policy is wider (a read page that also changes something): the twin of the API
    /// endpoint's policy, over the person's session. Refused: the forbidden page, exactly as a page refuses.
    /// </summary>
    protected async Task<IActionResult?> RequirePolicyAsync(string pagePolicy)
    {
        var result = await HttpContext.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(User, pagePolicy);
        return result.Succeeded ? null : Forbid(PeopleSignIn.Scheme);
    }

    /// <summary>Whether the person holds a permission: only to decide which forms to offer (the use case and policy check again).</summary>
    public bool Holds(string scope) => Caller.Scopes.Contains(scope);

    /// <summary>A text field as the API would receive it: blank is absent.</summary>
    protected static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// A number field; blank: null. Text that is not a number is a field error (and null): a page then shows its errors
    /// without calling the use case, so nothing is changed on a value the person did not mean.
    /// </summary>
    protected decimal? Number(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
            return parsed;
        AddError(field, "field.invalid_number", $"Enter {field} as a number, like 7.4");
        return null;
    }

    /// <summary>A date field (<c>yyyy-MM-dd</c>); blank: null; otherwise as <see cref="Number"/>.</summary>
    protected DateOnly? Date(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            return parsed;
        AddError(field, "field.invalid_date", "Enter the date as year-month-day, like 2024-05-01");
        return null;
    }

    /// <summary>A date field as the start of that day in UTC (the API's periods are instants).</summary>
    protected DateTimeOffset? Day(string field, string? value) =>
        Date(field, value) is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

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
