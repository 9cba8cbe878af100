using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// The products catalogue, open to every participant (<c>GET /api/v1/products</c>, <see cref="ProductQueries"/>), with
/// the published stacking rules; a system or market operator defines a product from a template with one service window
/// (<c>POST /api/v1/products</c>, <see cref="DefineProduct"/>, <c>products:manage</c>).
/// </summary>
[Authorize(Policy = PagePolicies.Participant)]
public sealed class ProductsModel(ProductQueries products, DefineProduct define) : RegistryPage
{
    public override string Title => "Products";

    public IReadOnlyList<ProductResponse> Products { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty(SupportsGet = true, Name = "serviceClass")] public string? ServiceClassFilter { get; set; }
    [BindProperty(SupportsGet = true, Name = "mine")] public bool Mine { get; set; }
    [BindProperty(Name = "template")] public string? Template { get; set; }
    [BindProperty(Name = "name")] public string? Name { get; set; }
    [BindProperty(Name = "direction")] public string? Direction { get; set; }
    [BindProperty(Name = "capacityKw")] public string? CapacityKw { get; set; }
    [BindProperty(Name = "validFrom")] public string? ValidFrom { get; set; }
    [BindProperty(Name = "validTo")] public string? ValidTo { get; set; }
    [BindProperty(Name = "windows[0].recurrence")] public string? Recurrence { get; set; }
    [BindProperty(Name = "windows[0].start")] public string? Start { get; set; }
    [BindProperty(Name = "windows[0].end")] public string? End { get; set; }
    [BindProperty(Name = "locationScope.dnoAreas")] public List<string> DnoAreas { get; set; } = [];

    public bool MayDefine => Holds(Scopes.ProductsManage);

    public static IEnumerable<(string, string)> ServiceClassOptions => [("", "All"), .. ServiceClass.All.Select(c => (c.Code, c.Name))];
    public static IEnumerable<(string, string)> TemplateOptions => [("", "Choose a template"), .. ProductTemplate.All.Select(t => (t.Code, t.Name))];
    public static IEnumerable<(string, string)> DirectionOptions => [("up", "Up (more generation or less demand)"), ("down", "Down")];
    public static IEnumerable<(string, string)> DnoAreaOptions => DnoArea.All.Select(a => (a.DistributorId.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{a.Name} ({a.GspGroup})"));
    public static IReadOnlyList<(string TemplateA, string TemplateB, string Rule, string Reason)> StackingRules =>
        [.. FlexRegistry.Market.StackingRules.Published().Select(r => (r.A, r.B, r.Rule.ToWire(), r.Reason))];

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Done = done is null ? null : $"Product {done} defined.";
        await LoadProductsAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ProductsManage) is { } refused)
            return refused;
        var areas = new List<int>();
        foreach (var area in DnoAreas)
        {
            if (int.TryParse(area, System.Globalization.CultureInfo.InvariantCulture, out var id))
                areas.Add(id);
        }
        var request = new ProductRequest
        {
            Template = Blank(Template),
            Name = Blank(Name),
            Direction = Blank(Direction),
            CapacityKw = Number("capacityKw", CapacityKw),
            ValidFrom = Date("validFrom", ValidFrom),
            ValidTo = Date("validTo", ValidTo),
            Windows = [new ServiceWindowDto { Recurrence = Blank(Recurrence), Start = Blank(Start), End = Blank(End) }],
            LocationScope = areas.Count == 0 ? null : new LocationScopeDto { DnoAreas = areas },
        };
        (ProductResponse Response, Guid Version)? defined = null;
        var failed = Errors.Count > 0 ? Page() : await RunAsync(async () => defined = await define.CreateAsync(request, null, Caller, ct));
        if (failed is null)
            return Redirect($"/products?mine=true&done={defined!.Value.Response.ProductId}");
        await LoadProductsAsync(ct);
        return failed;
    }

    private async Task LoadProductsAsync(CancellationToken ct)
    {
        try
        {
            Products = (await products.SearchAsync(null, Blank(ServiceClassFilter), Mine ? Caller.ParticipantId.Value : null, null, 100, ct)).Items;
        }
        catch (RequestValidationException e)
        {
            AddErrors(e.Errors);
        }
    }
}
