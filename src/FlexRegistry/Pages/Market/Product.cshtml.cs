using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// One product (<c>GET /api/v1/products/{id}</c>, public to every participant) and its data requirements; the
/// eligibility check over assets or a portfolio (<c>POST …/eligibility-check</c>, <see cref="CheckEligibility"/>,
/// <c>assets:read</c>: per asset what is missing and which commitments it would conflict with; nothing stored); its
/// owner changes its name, capacity and validity (<c>PUT …</c> with the version read as If-Match, <see cref="DefineProduct"/>).
/// </summary>
[Authorize(Policy = PagePolicies.Participant)]
public sealed class ProductModel(ProductQueries products, CheckEligibility eligibility, DefineProduct define) : RegistryPage
{
    public override string Title => Product?.Name ?? "Product";

    public ProductResponse? Product { get; private set; }
    public ProductRequirementsResponse? Requirements { get; private set; }
    public EligibilityCheckResponse? Eligibility { get; private set; }
    public string? Done { get; private set; }

    /// <summary>The version the owner read: sent back as the If-Match of the change, so a concurrent change is not overwritten.</summary>
    [BindProperty(Name = "version")] public string? Version { get; set; }
    [BindProperty(Name = "name")] public string? Name { get; set; }
    [BindProperty(Name = "capacityKw")] public string? CapacityKw { get; set; }
    [BindProperty(Name = "validFrom")] public string? ValidFrom { get; set; }
    [BindProperty(Name = "validTo")] public string? ValidTo { get; set; }
    [BindProperty(Name = "assetIds")] public string? AssetIds { get; set; }
    [BindProperty(Name = "portfolioId")] public string? PortfolioId { get; set; }

    public bool MayCheck => Holds(Scopes.AssetsRead);
    public bool MayChange => Product is { } p && Holds(Scopes.ProductsManage) && (p.OwnerId == Caller.ParticipantId.Value || Caller.IsRegistryOperator);

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        Done = done == "changed" ? "Product changed." : null;
        if (!await LoadProductAsync(id, ct))
            return NotFound();
        Name = Product!.Name;
        CapacityKw = Product.CapacityKw?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ValidFrom = Product.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        ValidTo = Product.ValidTo.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.AssetsRead) is { } refused)
            return refused;
        var assets = (AssetIds ?? "").Split(['\n', ',', ' ', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var request = new EligibilityCheckRequest { AssetIds = assets.Length == 0 ? null : assets, PortfolioId = Blank(PortfolioId) };
        var failed = await RunAsync(async () => Eligibility = await eligibility.HandleAsync(ProductQueries.ParseId(id), request, Caller, ct), notFoundField: "portfolioId");
        if (!await LoadProductAsync(id, ct))
            return NotFound();
        return failed ?? Page();
    }

    public async Task<IActionResult> OnPostChangeAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ProductsManage) is { } refused)
            return refused;
        var current = await LoadAsync(() => products.LoadAsync(ProductQueries.ParseId(id), ct));
        if (current is null)
            return NotFound();
        var now = current.ToResponse();
        // The page changes the terms it shows; the rest of the product (template, direction, windows, area) is sent as it is.
        var request = new ProductRequest
        {
            Template = now.Template,
            Name = Blank(Name),
            Direction = now.Direction,
            CapacityKw = Number("capacityKw", CapacityKw),
            ValidFrom = Date("validFrom", ValidFrom),
            ValidTo = Date("validTo", ValidTo),
            Windows = now.Windows,
            LocationScope = now.LocationScope,
        };
        var ifMatch = new IfMatch(AnyVersion: false, [($"\"{Version}\"", false)]);
        var failed = Errors.Count > 0 ? Page() : await RunAsync(() => define.ChangeAsync(ProductQueries.ParseId(id), request, ifMatch, Caller, ct));
        if (failed is null)
            return Redirect($"/products/{id}?done=changed");
        return await LoadProductAsync(id, ct, keepVersion: true) ? failed : NotFound();
    }

    private async Task<bool> LoadProductAsync(string id, CancellationToken ct, bool keepVersion = false)
    {
        var product = await LoadAsync(() => products.LoadAsync(ProductQueries.ParseId(id), ct));
        if (product is null)
            return false;
        Product = product.ToResponse();
        Requirements = product.Requirements();
        if (!keepVersion)
            Version = product.Version.ToString("N");
        return true;
    }
}
