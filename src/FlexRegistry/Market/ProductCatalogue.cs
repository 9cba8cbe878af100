namespace FlexRegistry.Market;

/// <summary>
/// A class of service an operator claims an asset for (BUC.2 step 3): one operator per asset, service class and
/// moment. Products belong to a class through their template.
/// </summary>
public sealed record ServiceClass(string Code, string Name, string Description)
{
    public const string DsoFlexibility = "dso-flexibility";
    public const string NesoReserve = "neso-reserve";
    public const string BalancingMechanism = "balancing-mechanism";
    public const string DemandFlexibility = "demand-flexibility";
    public const string SupplierFlexibility = "supplier-flexibility";

    public static IReadOnlyList<ServiceClass> All { get; } =
    [
        new(DsoFlexibility, "DSO local flexibility", "Distribution network services bought by a DNO/DSO (ENA standard products Sustain, Secure, Dynamic, Restore)."),
        new(NesoReserve, "NESO reserve and response", "Reserve services bought by the ESO/NESO (e.g. Quick Reserve, Slow Reserve)."),
        new(BalancingMechanism, "Balancing Mechanism", "Bids and offers in the Balancing Mechanism."),
        new(DemandFlexibility, "Demand Flexibility Service", "NESO's Demand Flexibility Service events for households and businesses."),
        new(SupplierFlexibility, "Supplier flexibility", "A supplier's time-shifting or tariff-driven flexibility."),
    ];

    public static ServiceClass? Find(string? code) => All.FirstOrDefault(c => c.Code == code);
}

/// <summary>
/// A product template of the published catalogue: the service class it belongs to and the data an asset needs by
/// default (<see cref="RequiredFields"/> present, <see cref="ConfirmedGroups"/> confirmed by a trusted source).
/// </summary>
public sealed record ProductTemplate(
    string Code,
    string Name,
    string ServiceClass,
    string Description,
    IReadOnlyList<string> RequiredFields,
    IReadOnlyList<string> ConfirmedGroups,
    bool RequireCommissioned)
{
    public const string DsoSustain = "dso-sustain";
    public const string DsoSecure = "dso-secure";
    public const string DsoDynamic = "dso-dynamic";
    public const string DsoRestore = "dso-restore";
    public const string NesoQuickReserve = "neso-quick-reserve";
    public const string NesoSlowReserve = "neso-slow-reserve";
    public const string BalancingMechanism = "balancing-mechanism";
    public const string DemandFlexibilityService = "demand-flexibility-service";
    public const string SupplierTimeShifting = "supplier-time-shifting";

    /// <summary>Asset fields a product may require to be present (the registration fields, by their wire names).</summary>
    public static IReadOnlyList<string> RequirementFields { get; } =
    [
        "mpan", "exportMpan", "manufacturer", "model", "serialNumber", "address", "location", "importCapacityKw", "exportCapacityKw",
        "storageCapacityKwh", "connectionVoltageKv", "commissioningDate", "ownerConsent", "marketQualifications",
    ];

    /// <summary>Field groups a trusted source can confirm (the asset's provenance groups).</summary>
    public static IReadOnlyList<string> ConfirmableGroups { get; } = ["identity", "technical", "location", "consent"];

    public static IReadOnlyList<ProductTemplate> All { get; } =
    [
        new(DsoSustain, "DSO Sustain", Market.ServiceClass.DsoFlexibility,
            "Scheduled change in import or export, agreed ahead, to manage peak loading.",
            ["mpan", "address", "importCapacityKw", "ownerConsent"], ["identity"], true),
        new(DsoSecure, "DSO Secure", Market.ServiceClass.DsoFlexibility,
            "Availability held ahead of time and utilised to manage pre-fault network peaks.",
            ["mpan", "address", "importCapacityKw", "ownerConsent"], ["identity"], true),
        new(DsoDynamic, "DSO Dynamic", Market.ServiceClass.DsoFlexibility,
            "Availability utilised after a network fault, at short notice.",
            ["mpan", "address", "importCapacityKw", "ownerConsent", "connectionVoltageKv"], ["identity", "technical"], true),
        new(DsoRestore, "DSO Restore", Market.ServiceClass.DsoFlexibility,
            "Staying off (or on) after a fault to help restore supplies.",
            ["mpan", "address", "ownerConsent"], ["identity"], true),
        new(NesoQuickReserve, "NESO Quick Reserve", Market.ServiceClass.NesoReserve,
            "Reserve held available and delivered within a minute of instruction.",
            ["mpan", "connectionVoltageKv", "commissioningDate", "ownerConsent"], ["identity", "technical"], true),
        new(NesoSlowReserve, "NESO Slow Reserve", Market.ServiceClass.NesoReserve,
            "Reserve held available and delivered within 15 minutes of instruction.",
            ["mpan", "connectionVoltageKv", "commissioningDate", "ownerConsent"], ["identity", "technical"], true),
        new(BalancingMechanism, "Balancing Mechanism", Market.ServiceClass.BalancingMechanism,
            "Bids and offers accepted by the ESO/NESO in the Balancing Mechanism.",
            ["mpan", "connectionVoltageKv", "commissioningDate", "ownerConsent"], ["identity", "technical"], true),
        new(DemandFlexibilityService, "Demand Flexibility Service", Market.ServiceClass.DemandFlexibility,
            "Turn-down events at peak announced the day before.",
            ["mpan", "ownerConsent"], [], false),
        new(SupplierTimeShifting, "Supplier time-shifting", Market.ServiceClass.SupplierFlexibility,
            "A supplier moving consumption in time (tariff or scheduled shifting).",
            ["mpan"], [], false),
    ];

    public static ProductTemplate? Find(string? code) => All.FirstOrDefault(t => t.Code == code);
}

public enum StackingRule
{
    /// <summary>One delivery may count for both: no conflict whatever the capacities.</summary>
    Stackable,

    /// <summary>Both may be delivered at once only from separate capacity: the asset's committed capacities must fit in it.</summary>
    StackableIfCapacitySplit,

    /// <summary>Never at the same moment.</summary>
    NotStackable,
}

/// <summary>
/// The published stacking rules between product templates (symmetric). These are the register's own defaults, kept by
/// the registry operator and changed by release; they follow the common GB reasoning that availability-type services
/// holding the same capacity for two buyers cannot both be honoured, while a scheduled turn-down may serve two buyers
/// at once. Pairs not listed are <see cref="StackingRule.StackableIfCapacitySplit"/>.
/// </summary>
public static class StackingRules
{
    private static readonly (string A, string B, StackingRule Rule, string Reason)[] Listed =
    [
        (ProductTemplate.DsoSustain, ProductTemplate.DemandFlexibilityService, StackingRule.Stackable,
            "A scheduled DSO turn-down at peak and a DFS turn-down event are one delivery that serves both buyers."),
        (ProductTemplate.DsoSustain, ProductTemplate.SupplierTimeShifting, StackingRule.Stackable,
            "A supplier's time-shift that meets a scheduled DSO profile is one delivery that serves both."),
        (ProductTemplate.DemandFlexibilityService, ProductTemplate.SupplierTimeShifting, StackingRule.Stackable,
            "DFS events are commonly delivered through the supplier's own shifting."),
        (ProductTemplate.DsoSecure, ProductTemplate.NesoQuickReserve, StackingRule.NotStackable,
            "Both hold the same capacity available for utilisation by different operators, who could call it at once."),
        (ProductTemplate.DsoSecure, ProductTemplate.NesoSlowReserve, StackingRule.NotStackable,
            "Both hold the same capacity available for utilisation by different operators, who could call it at once."),
        (ProductTemplate.DsoSecure, ProductTemplate.BalancingMechanism, StackingRule.NotStackable,
            "Capacity held for the DSO cannot also be offered into the Balancing Mechanism."),
        (ProductTemplate.DsoDynamic, ProductTemplate.NesoQuickReserve, StackingRule.NotStackable,
            "Post-fault availability and reserve availability would be called on the same capacity at short notice."),
        (ProductTemplate.DsoDynamic, ProductTemplate.NesoSlowReserve, StackingRule.NotStackable,
            "Post-fault availability and reserve availability would be called on the same capacity at short notice."),
        (ProductTemplate.DsoDynamic, ProductTemplate.BalancingMechanism, StackingRule.NotStackable,
            "Capacity held for post-fault use cannot also be offered into the Balancing Mechanism."),
        (ProductTemplate.DsoRestore, ProductTemplate.BalancingMechanism, StackingRule.NotStackable,
            "An asset held off for restoration cannot respond to Balancing Mechanism instructions."),
        (ProductTemplate.BalancingMechanism, ProductTemplate.NesoQuickReserve, StackingRule.NotStackable,
            "NESO does not pay for the same megawatt in the Balancing Mechanism and in reserve."),
        (ProductTemplate.BalancingMechanism, ProductTemplate.NesoSlowReserve, StackingRule.NotStackable,
            "NESO does not pay for the same megawatt in the Balancing Mechanism and in reserve."),
        (ProductTemplate.BalancingMechanism, ProductTemplate.DemandFlexibilityService, StackingRule.NotStackable,
            "A DFS turn-down would be counted again as a Balancing Mechanism action."),
        (ProductTemplate.NesoQuickReserve, ProductTemplate.DemandFlexibilityService, StackingRule.NotStackable,
            "Reserve capacity cannot be used for a DFS event and stay available."),
        (ProductTemplate.NesoSlowReserve, ProductTemplate.DemandFlexibilityService, StackingRule.NotStackable,
            "Reserve capacity cannot be used for a DFS event and stay available."),
    ];

    private const string SplitReason = "Both may be delivered at the same moment from separate shares of the asset's capacity.";

    private static readonly Dictionary<(string, string), (StackingRule Rule, string Reason)> Rules = Build();

    private static Dictionary<(string, string), (StackingRule, string)> Build()
    {
        var rules = new Dictionary<(string, string), (StackingRule, string)>();
        foreach (var (a, b, rule, reason) in Listed)
        {
            rules[(a, b)] = (rule, reason);
            rules[(b, a)] = (rule, reason);
        }
        return rules;
    }

    public static StackingRule Between(string templateA, string templateB) =>
        Rules.TryGetValue((templateA, templateB), out var r) ? r.Rule : StackingRule.StackableIfCapacitySplit;

    public static string Reason(string templateA, string templateB) =>
        Rules.TryGetValue((templateA, templateB), out var r) ? r.Reason : SplitReason;

    /// <summary>Every pair of templates (A ≤ B in catalogue order), as published.</summary>
    public static IEnumerable<(string A, string B, StackingRule Rule, string Reason)> Published()
    {
        var templates = ProductTemplate.All;
        for (var i = 0; i < templates.Count; i++)
        {
            for (var j = i; j < templates.Count; j++)
                yield return (templates[i].Code, templates[j].Code, Between(templates[i].Code, templates[j].Code), Reason(templates[i].Code, templates[j].Code));
        }
    }

    /// <summary>The ordered template pairs (<c>a|b</c> and <c>b|a</c>) under <paramref name="rule"/>, for the conflict query.</summary>
    public static IReadOnlyList<string> Pairs(StackingRule rule) =>
        [.. ProductTemplate.All.SelectMany(a => ProductTemplate.All.Where(b => Between(a.Code, b.Code) == rule).Select(b => a.Code + "|" + b.Code))];

    /// <summary>The templates that stand in <paramref name="rule"/> to <paramref name="template"/>.</summary>
    public static IReadOnlyList<string> With(string template, StackingRule rule) =>
        [.. ProductTemplate.All.Where(t => Between(template, t.Code) == rule).Select(t => t.Code)];

    public static string ToWire(this StackingRule rule) => rule switch
    {
        StackingRule.Stackable => "stackable",
        StackingRule.NotStackable => "not-stackable",
        _ => "stackable-if-capacity-split",
    };
}
