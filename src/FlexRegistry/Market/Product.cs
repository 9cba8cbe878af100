using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Market;

/// <summary>
/// A specific product a system or market operator procures ("10 MW of Sustain, 17:00–19:00 on weekdays,
/// December–January, in area _C"): an instance of a published template, with recurring service windows, a direction,
/// a location scope and data requirements. Public to every participant; only its owner changes it.
/// </summary>
public sealed class Product : EventSource
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private Product() { }

    public ProductId Id { get; private set; }
    public ParticipantId OwnerId { get; private set; }
    public string Template { get; private set; } = "";
    public string ServiceClass { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Direction { get; private set; } = "";
    public double? CapacityKw { get; private set; }
    public DateOnly ValidFrom { get; private set; }
    public DateOnly ValidTo { get; private set; }

    /// <summary>The windows as JSON (<see cref="Windows"/>); the masks below summarise them for the conflict query.</summary>
    public string WindowsJson { get; private set; } = "[]";

    /// <summary>Union of the windows' weekday bits (bit 0 Sunday … bit 6 Saturday).</summary>
    public int DayMask { get; private set; }

    /// <summary>Union of the windows' month bits (bit 0 January … bit 11 December).</summary>
    public int MonthMask { get; private set; }
    public int EarliestStartMinute { get; private set; }
    public int LatestEndMinute { get; private set; }
    public string ScopeJson { get; private set; } = "{}";
    public string RequirementsJson { get; private set; } = "{}";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public Guid Version { get; private set; }

    private IReadOnlyList<ServiceWindow>? _windows;

    public IReadOnlyList<ServiceWindow> Windows => _windows ??= JsonSerializer.Deserialize<List<ServiceWindow>>(WindowsJson, Json) ?? [];

    public LocationScopeDto Scope => JsonSerializer.Deserialize<LocationScopeDto>(ScopeJson, Json) ?? new LocationScopeDto();

    public DataRequirementsDto OwnRequirements => JsonSerializer.Deserialize<DataRequirementsDto>(RequirementsJson, Json) ?? new DataRequirementsDto();

    public ProductTemplate TemplateInfo => ProductTemplate.Find(Template)!;

    public static Product Define(ProductData data, ParticipantId owner, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        var product = new Product
        {
            Id = ProductId.New(now),
            OwnerId = owner,
            Template = data.Template.Code,
            ServiceClass = data.Template.ServiceClass,
            CreatedAt = now,
        };
        product.Apply(data, now);
        product.Record("product.defined", product.Id.ToString(), product.EventData(), owner.Value);
        return product;
    }

    /// <summary>Replaces the product's terms (the template and the owner stay); parties with contracts on it are told.</summary>
    public void Change(ProductData data, IEnumerable<ParticipantId> contractParties, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Template.Code != Template)
            throw new DomainRuleException(MarketErrors.ProductTemplateFixed, $"Product {Id} is a {Template}; its template cannot change (define a new product).");
        Apply(data, now);
        Record("product.updated", Id.ToString(), EventData(), [OwnerId.Value, .. contractParties.Select(p => p.Value)]);
    }

    private Dictionary<string, object?> EventData() => new()
    {
        ["productId"] = Id.ToString(),
        ["template"] = Template,
        ["serviceClass"] = ServiceClass,
        ["ownerId"] = OwnerId.Value,
    };

    private void Apply(ProductData data, DateTimeOffset now)
    {
        Name = data.Name;
        Direction = data.Direction;
        CapacityKw = data.CapacityKw;
        ValidFrom = data.ValidFrom;
        ValidTo = data.ValidTo;
        _windows = data.Windows;
        WindowsJson = JsonSerializer.Serialize(data.Windows, Json);
        DayMask = data.Windows.Aggregate(0, (m, w) => m | w.DayMask);
        MonthMask = data.Windows.Aggregate(0, (m, w) => m | w.MonthMask);
        EarliestStartMinute = data.Windows.Min(w => w.StartMinute);
        LatestEndMinute = data.Windows.Max(w => w.EndMinute);
        ScopeJson = JsonSerializer.Serialize(data.Scope, Json);
        RequirementsJson = JsonSerializer.Serialize(data.Requirements, Json);
        UpdatedAt = now;
        Version = Guid.NewGuid();
    }

    /// <summary>The template's default requirements with the product's own added.</summary>
    public ProductRequirementsResponse Requirements()
    {
        var own = OwnRequirements;
        var template = TemplateInfo;
        return new ProductRequirementsResponse(
            Id.ToString(), Template,
            own.AssetTypes is { Count: > 0 } types ? types : [.. AssetType.All.Where(t => !t.IsPortfolio).Select(t => t.Code)],
            [.. ProductTemplate.RequirementFields.Where(f => template.RequiredFields.Contains(f) || own.RequiredFields?.Contains(f) == true)],
            [.. ProductTemplate.ConfirmableGroups.Where(g => template.ConfirmedGroups.Contains(g) || own.ConfirmedGroups?.Contains(g) == true)],
            own.RequireCommissioned ?? template.RequireCommissioned,
            Scope);
    }

    public ProductResponse ToResponse() => new(
        Id.ToString(), OwnerId.Value, Template, ServiceClass, Name, Direction, (decimal?)CapacityKw, ValidFrom, ValidTo,
        [.. Windows.Select(w => w.ToDto())], Scope, CreatedAt, UpdatedAt);
}

/// <summary>A product's terms, validated.</summary>
public sealed record ProductData(
    ProductTemplate Template,
    string Name,
    string Direction,
    double? CapacityKw,
    DateOnly ValidFrom,
    DateOnly ValidTo,
    IReadOnlyList<ServiceWindow> Windows,
    LocationScopeDto Scope,
    DataRequirementsDto Requirements)
{
    public const int MaxWindows = 20;
    public const int MaxYears = 5;

    /// <summary>Every broken rule at once (422 <c>product.validation_failed</c>); nothing is stored when any is broken.</summary>
    public static ProductData Validate(ProductRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var template = ProductTemplate.Find(request.Template?.Trim());
        if (string.IsNullOrWhiteSpace(request.Template))
            errors.Add("template", "field.required", "template is required (GET /api/v1/reference/product-templates).");
        else if (template is null)
            errors.Add("template", "product.template_unknown", $"template must be one of {string.Join(", ", ProductTemplate.All.Select(t => t.Code))}.");
        errors.Required("name", request.Name, 200);
        var direction = request.Direction?.Trim().ToLowerInvariant();
        if (direction is not ("up" or "down"))
            errors.Add("direction", string.IsNullOrWhiteSpace(request.Direction) ? "field.required" : "field.invalid", "direction is up (more export or less import) or down.");
        if (request.CapacityKw is { } capacity && capacity is <= 0 or > 10_000_000m)
            errors.Add("capacityKw", "field.out_of_range", "capacityKw is more than 0 and at most 10,000,000 (10 GW).");
        if (request.ValidFrom is null)
            errors.Add("validFrom", "field.required", "validFrom is required (the first day the windows apply).");
        if (request.ValidTo is null)
            errors.Add("validTo", "field.required", "validTo is required (the last day the windows apply).");
        if (request.ValidFrom is { } from && request.ValidTo is { } to)
        {
            if (to < from)
                errors.Add("validTo", "period.inverted", "validTo must not be before validFrom.");
            else if (to > from.AddYears(MaxYears))
                errors.Add("validTo", "period.too_long", $"A product runs for at most {MaxYears} years; define another for later seasons.");
        }
        var windows = new List<ServiceWindow>();
        if (request.Windows is not { Count: > 0 })
            errors.Add("windows", "field.required", "windows needs at least one service window.");
        else if (request.Windows.Count > MaxWindows)
            errors.Add("windows", "field.too_many", $"A product has at most {MaxWindows} windows.");
        else
        {
            for (var i = 0; i < request.Windows.Count; i++)
            {
                if (ServiceWindow.Parse(request.Windows[i], $"windows[{i}]", errors) is { } window)
                    windows.Add(window);
            }
        }
        var scope = CheckScope(request.LocationScope ?? new LocationScopeDto(), errors);
        var requirements = CheckRequirements(request.Requirements ?? new DataRequirementsDto(), errors);
        if (errors.Any)
            throw new RequestValidationException(errors.All, MarketErrors.ProductInvalid);
        return new ProductData(template!, request.Name!.Trim(), direction!, (double?)request.CapacityKw, request.ValidFrom!.Value, request.ValidTo!.Value,
            windows, scope, requirements);
    }

    private static LocationScopeDto CheckScope(LocationScopeDto scope, FieldErrors errors)
    {
        var dnoAreas = new List<int>();
        foreach (var (dno, i) in (scope.DnoAreas ?? []).Select((v, i) => (v, i)))
        {
            if (DnoArea.FindByDistributorId(dno) is null)
                errors.Add($"locationScope.dnoAreas[{i}]", "field.invalid", "A DNO licence area is an MPAN distributor ID from 10 to 23.");
            else
                dnoAreas.Add(dno);
        }
        var gspGroups = new List<string>();
        foreach (var (gsp, i) in (scope.GspGroups ?? []).Select((v, i) => (v, i)))
        {
            if (gsp is not null && DnoArea.FindByGspGroup(gsp) is { } area)
                gspGroups.Add(area.GspGroup);
            else
                errors.Add($"locationScope.gspGroups[{i}]", "field.invalid", "A GSP group is one of _A to _P (see /api/v1/reference/dno-areas).");
        }
        var districts = new List<string>();
        foreach (var (district, i) in (scope.PostcodeDistricts ?? []).Select((v, i) => (v, i)))
        {
            if (district is not null && district.Length <= 4 && Postcode.TryParse(district.Trim() + " 1AA", out var postcode))
                districts.Add(postcode.District);
            else
                errors.Add($"locationScope.postcodeDistricts[{i}]", "field.invalid", $"{district} is not a postcode district such as CB1.");
        }
        if (dnoAreas.Count + gspGroups.Count + districts.Count > 500)
            errors.Add("locationScope", "field.too_many", "locationScope names at most 500 areas.");
        return new LocationScopeDto { DnoAreas = [.. dnoAreas.Distinct()], GspGroups = [.. gspGroups.Distinct()], PostcodeDistricts = [.. districts.Distinct()] };
    }

    private static DataRequirementsDto CheckRequirements(DataRequirementsDto requirements, FieldErrors errors)
    {
        foreach (var (field, i) in (requirements.RequiredFields ?? []).Select((v, i) => (v, i)))
        {
            if (!ProductTemplate.RequirementFields.Contains(field))
                errors.Add($"requirements.requiredFields[{i}]", "product.requirement_unknown",
                    $"'{Truncate(field)}' is not an asset field; use one of {string.Join(", ", ProductTemplate.RequirementFields)}.");
        }
        foreach (var (group, i) in (requirements.ConfirmedGroups ?? []).Select((v, i) => (v, i)))
        {
            if (!ProductTemplate.ConfirmableGroups.Contains(group))
                errors.Add($"requirements.confirmedGroups[{i}]", "product.requirement_unknown",
                    $"'{Truncate(group)}' is not a field group; use one of {string.Join(", ", ProductTemplate.ConfirmableGroups)}.");
        }
        foreach (var (type, i) in (requirements.AssetTypes ?? []).Select((v, i) => (v, i)))
        {
            if (AssetType.Find(type) is not { IsPortfolio: false })
                errors.Add($"requirements.assetTypes[{i}]", "product.requirement_unknown",
                    $"'{Truncate(type)}' is not an asset type a product can accept (GET /api/v1/reference/asset-types; not portfolio).");
        }
        return new DataRequirementsDto
        {
            RequiredFields = [.. (requirements.RequiredFields ?? []).Distinct()],
            ConfirmedGroups = [.. (requirements.ConfirmedGroups ?? []).Distinct()],
            AssetTypes = [.. (requirements.AssetTypes ?? []).Select(t => AssetType.Find(t)?.Code ?? t).Distinct()],
            RequireCommissioned = requirements.RequireCommissioned,
        };
    }

    private static string Truncate(string? value) => value is null ? "" : value.Length > 40 ? value[..40] + "…" : value;
}
