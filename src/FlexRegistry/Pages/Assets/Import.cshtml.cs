using FlexRegistry.Assets.Imports;
using FlexRegistry.Auth;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlexRegistry.Pages.Assets;

/// <summary>
/// BUC.2 step 1 in bulk: the uploaded file goes to <see cref="AssetImportService.StartAsync"/>, the use case of
/// <c>POST /api/v1/asset-imports</c>; an unreadable file is refused with its problems listed and nothing stored.
/// </summary>
[Authorize(Policy = PagePolicies.AssetsImport)]
[RequestFormLimits(MultipartBodyLengthLimit = 1L << 30)]
public sealed class ImportModel(AssetImportService imports) : RegistryPage
{
    /// <summary>The path whose body may exceed the JSON limit (the import endpoint's own limit applies).</summary>
    public const string UploadPath = "/assets/import";

    public override string Title => "Upload assets from a file";

    public void OnGet()
    {
    }

    public IActionResult OnGetTemplate() => File(System.Text.Encoding.UTF8.GetBytes(AssetImportService.Template()), "text/csv", "asset-template.csv");

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            AddError("file", "field.required", "Select a CSV or NDJSON file");
            return Page();
        }
        var contentType = Path.GetExtension(file.FileName).ToLowerInvariant() switch
        {
            ".ndjson" or ".jsonl" => "application/x-ndjson",
            ".csv" or ".txt" => "text/csv",
            _ => null,
        };
        if (contentType is null)
        {
            AddError("file", "request.unsupported_media_type", "The file must be a .csv, .ndjson or .jsonl file");
            return Page();
        }
        Client.Contracts.AssetImportStatus? status = null;
        await using var stream = file.OpenReadStream();
        if (await RunAsync(async () => status = await imports.StartAsync(stream, contentType, null, Caller, ct)) is { } failed)
        {
            // The reader names rows and columns; the summary points every problem at the file input.
            var problems = Errors.Select(e => new FieldError("file", e.Code, e.Field.Length > 0 && e.Field != "file" ? $"{e.Field}: {e.Message}" : e.Message)).ToList();
            return ReplaceErrors(problems);
        }
        return Redirect($"/assets/imports/{status!.ImportId}");
    }

    private PageResult ReplaceErrors(List<FieldError> problems)
    {
        ClearErrors();
        AddErrors(problems);
        return Page();
    }
}
