using FlexRegistry.Assets.Imports;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Assets;

/// <summary>
/// An import's progress (<c>GET /api/v1/asset-imports/{id}</c>) and its per-row results (<c>…/results</c>): the same
/// use case, so another participant's import is a 404. With JavaScript the counters refresh themselves every second.
/// </summary>
[Authorize(Policy = PagePolicies.AssetsImport)]
public sealed class ImportStatusModel(AssetImportService imports) : RegistryPage
{
    public override string Title => Status is { Finished: true } ? "Import finished" : "Importing your assets";

    public AssetImportStatus? Status { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var importId) || await LoadAsync(() => imports.GetAsync(importId, Caller, ct)) is not { } status)
            return NotFound();
        Status = status;
        return Page();
    }

    /// <summary>The counters as JSON, for the page's own script.</summary>
    public async Task<IActionResult> OnGetStatusAsync(string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var importId) || await LoadAsync(() => imports.GetAsync(importId, Caller, ct)) is not { } status)
            return NotFound();
        return new JsonResult(status);
    }

    public async Task<IActionResult> OnGetResultsAsync(string id, string? format, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var importId) || await LoadAsync(() => imports.GetAsync(importId, Caller, ct)) is null)
            return NotFound();
        var csv = format != "ndjson";
        Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"import-{importId}-results.{(csv ? "csv" : "ndjson")}\"";
        await imports.WriteResultsAsync(importId, Caller, csv ? AssetImportReader.Csv : AssetImportReader.Ndjson, Response.Body, ct);
        return new EmptyResult();
    }
}
