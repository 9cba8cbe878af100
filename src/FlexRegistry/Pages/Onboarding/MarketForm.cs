using System.Globalization;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Onboarding;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// The market form shared by publishing (<c>POST /api/v1/markets</c>) and changing (<c>PUT /api/v1/markets/{id}</c>): the
/// same fields, named by the API's JSON paths, the same request built from them, and the API's errors on document rows
/// mapped back to the page's rows. Rendered by <c>_MarketForm.cshtml</c>.
/// </summary>
public abstract class MarketFormPage(ProductQueries products) : RegistryPage
{
    /// <summary>Rows offered for required documents; blank rows are left out.</summary>
    public const int DocumentRows = 3;

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

    /// <summary>The submit button's text.</summary>
    public abstract string SubmitText { get; }

    public static IEnumerable<(string, string)> StatusOptions => [(PublishedMarket.Open, "Open to applications"), (PublishedMarket.Closed, "Closed")];
    public static IEnumerable<(string, string)> AreaOptions => DnoArea.All.Select(a => (a.GspGroup, $"{a.Name} ({a.GspGroup})"));
    public static IEnumerable<(string, string)> SectionOptions => MarketQueries.CommercialSections.Select(s => (s, s));
    public IEnumerable<(string, string)> ProductOptions => OwnProducts.Select(p => (p.ProductId, $"{p.Name} ({p.Template})"));

    /// <summary>Document rows shown: three, or as many as the market lists.</summary>
    public int DocumentRowCount => Math.Max(DocumentRows, DocumentCodes.Count);

    public string? DocumentCode(int i) => i < DocumentCodes.Count ? DocumentCodes[i] : null;
    public string? DocumentDescription(int i) => i < DocumentDescriptions.Count ? DocumentDescriptions[i] : null;

    /// <summary>The form's fields from a market as it is (the change page's starting values).</summary>
    protected void Fill(MarketResponse market)
    {
        ArgumentNullException.ThrowIfNull(market);
        Name = market.Name;
        Description = market.Description;
        Status = market.Status;
        GspGroups = [.. market.GspGroups];
        ProductIds = [.. market.ProductIds];
        ContactEmail = market.ContactEmail;
        Sections = [.. market.Requirements.CommercialSections];
        Rules = string.Join('\n', market.Requirements.Rules);
        DocumentCodes.Clear();
        DocumentDescriptions.Clear();
        foreach (var d in market.Requirements.Documents)
        {
            DocumentCodes.Add(d.Code);
            DocumentDescriptions.Add(d.Description);
        }
    }

    /// <summary>The request the API would receive, and the page rows of the documents it lists (blank rows left out).</summary>
    protected (MarketRequest Request, List<int> Rows) ReadForm()
    {
        // Read row by row (list binding would stop at the first row a client left out).
        DocumentCodes.Clear();
        DocumentDescriptions.Clear();
        var count = DocumentRows;
        while (Request.Form.ContainsKey($"documentCodes[{count}]") || Request.Form.ContainsKey($"documentDescriptions[{count}]"))
            count++;
        for (var i = 0; i < count; i++)
        {
            DocumentCodes.Add(Request.Form[$"documentCodes[{i}]"].FirstOrDefault());
            DocumentDescriptions.Add(Request.Form[$"documentDescriptions[{i}]"].FirstOrDefault());
        }
        var rows = Enumerable.Range(0, count).Where(i => Blank(DocumentCode(i)) is not null || Blank(DocumentDescription(i)) is not null).ToList();
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
        return (request, rows);
    }

    /// <summary>Points the use case's errors at the page's inputs (a document's error at its row).</summary>
    protected void MapErrorsToRows(List<int> rows)
    {
        var errors = Errors.Select(e => e with { Field = PageField(e.Field, rows) }).ToList();
        ClearErrors();
        AddErrors(errors);
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

    /// <summary>The products offered as choices: the market operator's own (for a change by the registry operator, the market's operator's).</summary>
    protected async Task LoadProductsAsync(string ownerId, CancellationToken ct) =>
        OwnProducts = (await products.SearchAsync(null, null, ownerId, null, 100, ct)).Items;
}
