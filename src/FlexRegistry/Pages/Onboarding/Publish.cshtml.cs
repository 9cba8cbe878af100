using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Onboarding;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// BUC.4 step 3: a market or system operator publishes a market with its products, areas and onboarding requirements
/// (<c>POST /api/v1/markets</c>, the same <see cref="PublishMarket"/>: every broken rule at once, the name unique).
/// </summary>
[Authorize(Policy = PagePolicies.ProductsManage)]
public sealed class PublishModel(PublishMarket publish, ProductQueries products) : RegistryPage
{
    /// <summary>Rows offered for required documents; blank rows are left out.</summary>
    public const int DocumentRows = 3;

    public override string Title => "Publish a market";

    public IReadOnlyList<ProductResponse> OwnProducts { get; private set; } = [];

    [BindProperty(Name = "name")] public string? Name { get; set; }
    [BindProperty(Name = "description")] public string? Description { get; set; }
    [BindProperty(Name = "status")] public string? Status { get; set; } = PublishedMarket.Open;
    [BindProperty(Name = "gspGroups")] public List<string> GspGroups { get; set; } = [];
    [BindProperty(Name = "productIds")] public List<string> ProductIds { get; set; } = [];
    [BindProperty(Name = "contactEmail")] public string? ContactEmail { get; set; }
    [BindProperty(Name = "requirements.commercialSections")] public List<string> Sections { get; set; } = [];
    [BindProperty(Name = "requirements.rules")] public string? Rules { get; set; }
    public List<string?> DocumentCodes { get; } = [];
    public List<string?> DocumentDescriptions { get; } = [];

    public static IEnumerable<(string, string)> StatusOptions => [(PublishedMarket.Open, "Open to applications"), (PublishedMarket.Closed, "Closed")];
    public static IEnumerable<(string, string)> AreaOptions => DnoArea.All.Select(a => (a.GspGroup, $"{a.Name} ({a.GspGroup})"));
    public static IEnumerable<(string, string)> SectionOptions => MarketQueries.CommercialSections.Select(s => (s, s));
    public IEnumerable<(string, string)> ProductOptions => OwnProducts.Select(p => (p.ProductId, $"{p.Name} ({p.Template})"));

    public string? DocumentCode(int i) => i < DocumentCodes.Count ? DocumentCodes[i] : null;
    public string? DocumentDescription(int i) => i < DocumentDescriptions.Count ? DocumentDescriptions[i] : null;

    public async Task OnGetAsync(CancellationToken ct) => await LoadProductsAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Read row by row (list binding would stop at the first row a client left out).
        for (var i = 0; i < DocumentRows; i++)
        {
            DocumentCodes.Add(Request.Form[$"documentCodes[{i}]"].FirstOrDefault());
            DocumentDescriptions.Add(Request.Form[$"documentDescriptions[{i}]"].FirstOrDefault());
        }
        // The page's document rows: the API's list holds only the filled ones, so its errors are mapped back to the rows.
        var rows = Enumerable.Range(0, DocumentRows).Where(i => Blank(DocumentCode(i)) is not null || Blank(DocumentDescription(i)) is not null).ToList();
        var request = new MarketRequest
        {
            Name = Blank(Name),
            Description = Blank(Description),
            Status = Blank(Status),
            GspGroups = GspGroups,
            ProductIds = ProductIds,
            ContactEmail = Blank(ContactEmail),
            Requirements = new OnboardingRequirementsDto
            {
                CommercialSections = Sections,
                Documents = [.. rows.Select(i => new RequiredDocumentDto { Code = Blank(DocumentCode(i)), Description = Blank(DocumentDescription(i)) })],
                Rules = [.. (Rules ?? "").Split('\n').Select(r => r.Trim()).Where(r => r.Length > 0)],
            },
        };
        (MarketResponse Response, Guid Version)? published = null;
        if (await RunAsync(async () => published = await publish.CreateAsync(request, null, Caller, ct)) is { } failed)
        {
            var errors = Errors.Select(e => e with { Field = PageField(e.Field, rows) }).ToList();
            ClearErrors();
            AddErrors(errors);
            await LoadProductsAsync(ct);
            return failed;
        }
        return Redirect($"/markets/{published!.Value.Response.MarketId}?done=published");
    }

    /// <summary>The form field an API error names: <c>requirements.documents[1].code</c> is the second filled row's code input.</summary>
    private static string PageField(string field, List<int> rows)
    {
        const string documents = "requirements.documents[";
        if (field.StartsWith("requirements.rules[", StringComparison.Ordinal))
            return "requirements.rules";
        if (!field.StartsWith(documents, StringComparison.Ordinal))
            return field;
        var close = field.IndexOf(']', StringComparison.Ordinal);
        if (!int.TryParse(field.AsSpan(documents.Length, close - documents.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= rows.Count)
            return "documentCodes[0]";
        var row = rows[index].ToString(CultureInfo.InvariantCulture);
        return field.EndsWith(".code", StringComparison.Ordinal) ? $"documentCodes[{row}]" : $"documentDescriptions[{row}]";
    }

    private async Task LoadProductsAsync(CancellationToken ct) =>
        OwnProducts = (await products.SearchAsync(null, null, Caller.ParticipantId.Value, null, 100, ct)).Items;
}
