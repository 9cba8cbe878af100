using System.Globalization;
using System.Text.Encodings.Web;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Html;

namespace FlexRegistry.Pages.Shared;

/// <summary>
/// GOV.UK Design System components as HTML, with the error message and error class wired to the page's field errors.
/// A field's name is its JSON path in the API (<c>address.postcode</c>), so the use case's errors land on the right
/// input; its id replaces dots and brackets with hyphens (<c>address-postcode</c>).
/// </summary>
public static class Govuk
{
    public static string Id(string field) =>
        field.Replace('.', '-').Replace('[', '-').Replace("]", "", StringComparison.Ordinal);

    private static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static IHtmlContent ErrorSummary(IReadOnlyList<FieldError> errors)
    {
        if (errors.Count == 0)
            return HtmlString.Empty;
        var items = string.Concat(errors.Select(e => e.Field.Length > 0
            ? $"<li><a href=\"#{E(Id(e.Field))}\">{E(e.Message)}</a></li>"
            : $"<li>{E(e.Message)}</li>"));
        return new HtmlString(
            "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\"><div role=\"alert\">" +
            "<h2 class=\"govuk-error-summary__title\">There is a problem</h2><div class=\"govuk-error-summary__body\">" +
            $"<ul class=\"govuk-list govuk-error-summary__list\">{items}</ul></div></div></div>");
    }

    private static string ErrorMessage(string id, FieldError? error) => error is null
        ? ""
        : $"<p id=\"{id}-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {E(error.Message)}</p>";

    private static string Hint(string id, string? hint) => hint is null ? "" : $"<div id=\"{id}-hint\" class=\"govuk-hint\">{E(hint)}</div>";

    private static string Described(string id, string? hint, FieldError? error)
    {
        var ids = new List<string>();
        if (hint is not null)
            ids.Add(id + "-hint");
        if (error is not null)
            ids.Add(id + "-error");
        return ids.Count == 0 ? "" : $" aria-describedby=\"{string.Join(' ', ids)}\"";
    }

    /// <summary>A text input. <paramref name="width"/>: a GOV.UK width class suffix (e.g. "10", "one-half").</summary>
    public static IHtmlContent Input(RegistryPage page, string name, string label, string? value, string? hint = null,
        string type = "text", string? width = null, string? autocomplete = null, bool spellcheck = true, string? inputMode = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        var id = Id(name);
        var error = page.ErrorFor(name);
        var classes = "govuk-input" + (width is null ? "" : width.Any(char.IsDigit) ? $" govuk-input--width-{width}" : $" govuk-!-width-{width}")
                      + (error is null ? "" : " govuk-input--error");
        var extra = (autocomplete is null ? "" : $" autocomplete=\"{E(autocomplete)}\"") + (spellcheck ? "" : " spellcheck=\"false\"")
                    + (inputMode is null ? "" : $" inputmode=\"{E(inputMode)}\"");
        return new HtmlString(
            $"<div class=\"govuk-form-group{(error is null ? "" : " govuk-form-group--error")}\">" +
            $"<label class=\"govuk-label\" for=\"{id}\">{E(label)}</label>{Hint(id, hint)}{ErrorMessage(id, error)}" +
            $"<input class=\"{classes}\" id=\"{id}\" name=\"{E(name)}\" type=\"{type}\" value=\"{E(value)}\"{Described(id, hint, error)}{extra}></div>");
    }

    public static IHtmlContent Textarea(RegistryPage page, string name, string label, string? value, string? hint = null, int rows = 5)
    {
        ArgumentNullException.ThrowIfNull(page);
        var id = Id(name);
        var error = page.ErrorFor(name);
        return new HtmlString(
            $"<div class=\"govuk-form-group{(error is null ? "" : " govuk-form-group--error")}\">" +
            $"<label class=\"govuk-label\" for=\"{id}\">{E(label)}</label>{Hint(id, hint)}{ErrorMessage(id, error)}" +
            $"<textarea class=\"govuk-textarea{(error is null ? "" : " govuk-textarea--error")}\" id=\"{id}\" name=\"{E(name)}\" rows=\"{rows.ToString(CultureInfo.InvariantCulture)}\"{Described(id, hint, error)}>{E(value)}</textarea></div>");
    }

    public static IHtmlContent Select(RegistryPage page, string name, string label, string? value, IEnumerable<(string Value, string Text)> options, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        var id = Id(name);
        var error = page.ErrorFor(name);
        var items = string.Concat(options.Select(o =>
            $"<option value=\"{E(o.Value)}\"{(o.Value == (value ?? "") ? " selected" : "")}>{E(o.Text)}</option>"));
        return new HtmlString(
            $"<div class=\"govuk-form-group{(error is null ? "" : " govuk-form-group--error")}\">" +
            $"<label class=\"govuk-label\" for=\"{id}\">{E(label)}</label>{Hint(id, hint)}{ErrorMessage(id, error)}" +
            $"<select class=\"govuk-select{(error is null ? "" : " govuk-select--error")}\" id=\"{id}\" name=\"{E(name)}\"{Described(id, hint, error)}>{items}</select></div>");
    }

    /// <summary>Checkboxes (several values) or radios (one value) in a fieldset with a legend.</summary>
    public static IHtmlContent Choices(RegistryPage page, string name, string legend, IEnumerable<string> selected,
        IEnumerable<(string Value, string Text)> options, bool multiple, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        var id = Id(name);
        var error = page.ErrorFor(name) ?? page.Errors.FirstOrDefault(e => e.Field.StartsWith(name + "[", StringComparison.Ordinal));
        var chosen = selected.ToHashSet(StringComparer.Ordinal);
        var kind = multiple ? "checkboxes" : "radios";
        var i = 0;
        var items = string.Concat(options.Select(o =>
        {
            var itemId = i++ == 0 ? id : $"{id}-{i.ToString(CultureInfo.InvariantCulture)}";
            return $"<div class=\"govuk-{kind}__item\"><input class=\"govuk-{kind}__input\" id=\"{itemId}\" name=\"{E(name)}\" type=\"{(multiple ? "checkbox" : "radio")}\" value=\"{E(o.Value)}\"{(chosen.Contains(o.Value) ? " checked" : "")}>" +
                   $"<label class=\"govuk-label govuk-{kind}__label\" for=\"{itemId}\">{E(o.Text)}</label></div>";
        }));
        return new HtmlString(
            $"<div class=\"govuk-form-group{(error is null ? "" : " govuk-form-group--error")}\"><fieldset class=\"govuk-fieldset\"{Described(id, hint, error)}>" +
            $"<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">{E(legend)}</legend>{Hint(id, hint)}{ErrorMessage(id, error)}" +
            $"<div class=\"govuk-{kind}{(multiple ? "" : " govuk-radios--small")}\" data-module=\"govuk-{kind}\">{items}</div></fieldset></div>");
    }

    /// <summary>The success banner after a change (nothing when <paramref name="message"/> is null).</summary>
    public static IHtmlContent Success(string? message) => message is null
        ? HtmlString.Empty
        : new HtmlString(
            "<div class=\"govuk-notification-banner govuk-notification-banner--success\" role=\"alert\" aria-labelledby=\"success-title\" data-module=\"govuk-notification-banner\">" +
            "<div class=\"govuk-notification-banner__header\"><h2 class=\"govuk-notification-banner__title\" id=\"success-title\">Success</h2></div>" +
            $"<div class=\"govuk-notification-banner__content\"><p class=\"govuk-notification-banner__heading\">{E(message)}</p></div></div>");

    public static IHtmlContent Tag(string text, string? colour = null) =>
        new HtmlString($"<strong class=\"govuk-tag{(colour is null ? "" : " govuk-tag--" + colour)}\">{E(text)}</strong>");

    /// <summary>The tag colour of a status word used across the register; nothing for a value withheld from the reader (null).</summary>
    public static IHtmlContent StatusTag(string? status) => status is null ? HtmlString.Empty : Tag(status, status switch
    {
        "active" or "confirmed" or "completed" or "registered" or "merged" => "green",
        "provisional" or "invited" or "open" or "receiving" or "queued" or "processing" => "yellow",
        "suspended" or "rejected" or "failed" or "invalid" or "deregistered" or "dead-lettered" => "red",
        "dismissed" or "removed" or "paused" => "grey",
        _ => null,
    });

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(decimal? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "";

    public static string Date(DateTimeOffset? value) => value?.ToString("d MMMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "";
}
