using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Market;

public enum ContractStatus
{
    Proposed,
    Active,
    Declined,
    Terminated,
}

/// <summary>
/// A portfolio contracted to deliver a product to its buyer for a period, with a contracted capacity. A contract needs
/// both sides: one proposes (the portfolio's owner, the seller, or the product's owner, the buyer), the other accepts.
/// Only accepted contracts are commitments, and so only they are checked for conflicts (a proposal shows the conflicts
/// its acceptance would create). Its terms (capacity, reference, layers) are the two sides' commercial data.
/// </summary>
public sealed class Contract : EventSource
{
    private Contract() { }

    public ContractId Id { get; private set; }
    public AssetId PortfolioId { get; private set; }
    public ProductId ProductId { get; private set; }
    public ParticipantId SellerId { get; private set; }
    public ParticipantId BuyerId { get; private set; }
    public DateTimeOffset From { get; private set; }
    public DateTimeOffset To { get; private set; }
    public double ContractedCapacityKw { get; private set; }
    public string? Reference { get; private set; }
    public string LayersJson { get; private set; } = "[]";
    public ContractStatus Status { get; private set; }
    public ParticipantId ProposedBy { get; private set; }
    public DateTimeOffset ProposedAt { get; private set; }
    public DateTimeOffset? AcceptedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public ParticipantId? EndedBy { get; private set; }
    public Guid Version { get; private set; }

    /// <summary>Accepted contracts commit their portfolio (terminated ones for the period they ran).</summary>
    public bool IsCommitment => Status is ContractStatus.Active or ContractStatus.Terminated;

    public IReadOnlyList<ContractLayerDto> Layers => JsonSerializer.Deserialize<List<ContractLayerDto>>(LayersJson, Product.Json) ?? [];

    public bool IsParty(ParticipantId participant) => participant == SellerId || participant == BuyerId;

    public static Contract Propose(ContractTerms terms, ParticipantId seller, ParticipantId buyer, ParticipantId by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var contract = new Contract
        {
            Id = ContractId.New(now),
            PortfolioId = terms.PortfolioId,
            ProductId = terms.ProductId,
            SellerId = seller,
            BuyerId = buyer,
            From = terms.From,
            To = terms.To,
            ContractedCapacityKw = terms.ContractedCapacityKw,
            Reference = terms.Reference,
            LayersJson = JsonSerializer.Serialize(terms.Layers, Product.Json),
            Status = ContractStatus.Proposed,
            ProposedBy = by,
            ProposedAt = now,
            Version = Guid.NewGuid(),
        };
        contract.Record("contract.proposed", contract.Id.ToString(), contract.EventData(), seller.Value, buyer.Value);
        return contract;
    }

    /// <summary>The other side accepts: the contract becomes a commitment.</summary>
    public void Accept(ParticipantId by, DateTimeOffset now)
    {
        if (Status != ContractStatus.Proposed || !IsParty(by) || by == ProposedBy)
            throw new DomainRuleException(MarketErrors.ContractTransition, Status != ContractStatus.Proposed
                ? $"Contract {Id} is {Status.ToWire()}; only a proposed contract can be accepted."
                : "The side that proposed a contract cannot accept it; the other side does.");
        if (To <= now)
            throw new DomainRuleException(MarketErrors.ContractTransition, $"Contract {Id}'s period has passed; propose a new one.");
        Status = ContractStatus.Active;
        AcceptedAt = now;
        Version = Guid.NewGuid();
        Record("contract.accepted", Id.ToString(), EventData(), SellerId.Value, BuyerId.Value);
    }

    /// <summary>Either side turns a proposal down (the proposer withdraws it, or the other side declines).</summary>
    public void Decline(ParticipantId by, DateTimeOffset now)
    {
        if (Status != ContractStatus.Proposed || !IsParty(by))
            throw new DomainRuleException(MarketErrors.ContractTransition, $"Contract {Id} is {Status.ToWire()}; only a proposal can be declined.");
        Status = ContractStatus.Declined;
        EndedAt = now;
        EndedBy = by;
        Version = Guid.NewGuid();
        Record("contract.declined", Id.ToString(), EventData(), SellerId.Value, BuyerId.Value);
    }

    /// <summary>Either side ends an accepted contract early, at <paramref name="at"/> (not in the past, not after its end).</summary>
    public void Terminate(ParticipantId by, DateTimeOffset at, DateTimeOffset now)
    {
        if (Status != ContractStatus.Active || !IsParty(by))
            throw new DomainRuleException(MarketErrors.ContractTransition, $"Contract {Id} is {Status.ToWire()}; only an active contract can be terminated.");
        if (at < now || at > To)
            throw new DomainRuleException(MarketErrors.ContractTransition, "A contract is terminated from now on and before its agreed end.",
                new Dictionary<string, object?> { ["to"] = To });
        Status = ContractStatus.Terminated;
        To = at < From ? From : at;
        EndedAt = now;
        EndedBy = by;
        Version = Guid.NewGuid();
        Record("contract.terminated", Id.ToString(), EventData(), SellerId.Value, BuyerId.Value);
    }

    private Dictionary<string, object?> EventData() => new()
    {
        ["contractId"] = Id.ToString(),
        ["portfolioId"] = PortfolioId.Value,
        ["productId"] = ProductId.ToString(),
        ["sellerId"] = SellerId.Value,
        ["buyerId"] = BuyerId.Value,
        ["status"] = Status.ToWire(),
    };

    public ContractResponse ToResponse(IReadOnlyList<string>? warnings = null) => new(
        Id.ToString(), PortfolioId.Value, ProductId.ToString(), SellerId.Value, BuyerId.Value, From, To, (decimal)ContractedCapacityKw, Reference,
        Layers, Status.ToWire(), ProposedBy.Value, ProposedAt, AcceptedAt, warnings ?? []);
}

public static class ContractStatusWire
{
    public static string ToWire(this ContractStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>A proposal's terms, validated.</summary>
public sealed record ContractTerms(
    AssetId PortfolioId,
    ProductId ProductId,
    DateTimeOffset From,
    DateTimeOffset To,
    double ContractedCapacityKw,
    string? Reference,
    IReadOnlyList<ContractLayerDto> Layers)
{
    public static readonly IReadOnlyList<string> LayerRoles = ["fsp", "aggregator", "owner"];
    public const int MaxYears = 10;

    public static ContractTerms Validate(ProposeContractRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        AssetId portfolio = default;
        if (string.IsNullOrWhiteSpace(request.PortfolioId))
            errors.Add("portfolioId", "field.required", "portfolioId is required.");
        else if (!AssetId.TryParse(request.PortfolioId, out portfolio) || Assets.AssetType.FindByIdCode(portfolio.TypeCode) is not { IsPortfolio: true })
            errors.Add("portfolioId", "field.invalid", "portfolioId is an asset ID of type portfolio (FRA-PF-…).");
        ProductId product = default;
        if (string.IsNullOrWhiteSpace(request.ProductId))
            errors.Add("productId", "field.required", "productId is required.");
        else if (!ProductId.TryParse(request.ProductId, out product))
            errors.Add("productId", "field.invalid", "productId is a product ID (a GUID).");
        Periods.Check(request.From, request.To, requireTo: true, MaxYears, errors);
        if (request.ContractedCapacityKw is null)
            errors.Add("contractedCapacityKw", "field.required", "contractedCapacityKw is required.");
        else if (request.ContractedCapacityKw is <= 0 or > 10_000_000m)
            errors.Add("contractedCapacityKw", "field.out_of_range", "contractedCapacityKw is more than 0 and at most 10,000,000.");
        errors.MaxLength("reference", request.Reference, 200);
        var layers = request.Layers ?? [];
        if (layers.Count > 10)
            errors.Add("layers", "field.too_many", "A contract records at most 10 layers.");
        for (var i = 0; i < layers.Count && i < 10; i++)
        {
            if (!ParticipantId.TryParse(layers[i].ParticipantId, out _))
                errors.Add($"layers[{i}].participantId", "field.invalid", "participantId is a participant ID.");
            if (layers[i].Role is not { } role || !LayerRoles.Contains(role))
                errors.Add($"layers[{i}].role", "field.invalid", $"role is one of {string.Join(", ", LayerRoles)}.");
        }
        if (errors.Any)
            throw new RequestValidationException(errors.All, MarketErrors.ContractInvalid);
        return new ContractTerms(portfolio, product, request.From!.Value, request.To!.Value, (double)request.ContractedCapacityKw!.Value,
            string.IsNullOrWhiteSpace(request.Reference) ? null : request.Reference.Trim(),
            [.. layers.Select(l => new ContractLayerDto { ParticipantId = ParticipantId.Parse(l.ParticipantId!).Value, Role = l.Role })]);
    }
}

/// <summary>The one rule for periods sent to the market API: from before to, within a bound, instants in UTC.</summary>
public static class Periods
{
    public static void Check(DateTimeOffset? from, DateTimeOffset? to, bool requireTo, int maxYears, FieldErrors errors, string fromField = "from", string toField = "to")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (from is null)
            errors.Add(fromField, "field.required", $"{fromField} is required.");
        if (to is null && requireTo)
            errors.Add(toField, "field.required", $"{toField} is required.");
        if (from is { } f && to is { } t)
        {
            if (t <= f)
                errors.Add(toField, "period.inverted", $"{toField} must be after {fromField}.");
            else if (t > f.AddYears(maxYears))
                errors.Add(toField, "period.too_long", $"A period runs for at most {maxYears} years.");
        }
    }
}
