using System.Text.RegularExpressions;
using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Onboarding;

/// <summary>
/// A market or system operator publishes a market (BUC.4 step 3: its requirements per market operator), or changes
/// its own. The name is unique across the register (a database rule); the products are the operator's own.
/// </summary>
public sealed partial class PublishMarket(RegistryDbContext db, Journal journal, IdempotentCreates idempotency, TimeProvider time)
{
    private const string Operation = "POST /api/v1/markets";

    public async Task<(MarketResponse Response, Guid Version)> CreateAsync(MarketRequest request, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await ReplayAsync(request, idempotencyKey, caller, ct) is { } replay)
            return replay;
        var data = await ValidateAsync(request, caller, ct);
        var market = PublishedMarket.Publish(data, caller.ParticipantId, time.GetUtcNow());
        db.Markets.Add(market);
        journal.Append(market.TakeEvents(), AuditEntry.By(caller, "market.publish", "market", market.Id.ToString(), caller.ParticipantId.Value, Fields(request)));
        var response = market.ToResponse(MarketQueries.ProviderFields);
        idempotency.Remember(caller, idempotencyKey, Operation, request, market.Id.ToString(), response);
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            if (idempotencyKey is not null && await ReplayAsync(request, idempotencyKey, caller, ct) is { } raced)
                return raced;
            throw await NameTakenAsync(data.Name, ct);
        }
        return (response, market.Version);
    }

    public async Task<(MarketResponse Response, Guid Version)> ChangeAsync(MarketId id, MarketRequest request, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ifMatch is null)
            throw new DomainRuleException(AssetErrors.PreconditionRequired, "Send If-Match with the ETag from GET /api/v1/markets/{id}.");
        var market = await db.Markets.FirstOrDefaultAsync(m => m.Id == id, ct)
            ?? throw new DomainRuleException(OnboardingErrors.MarketNotFound, $"No market {id}.");
        if (market.OperatorId != caller.ParticipantId && !caller.IsRegistryOperator)
            throw new DomainRuleException(OnboardingErrors.MarketNotOperator, $"Market {id} is {market.OperatorId}'s; only its operator changes it.");
        if (!ifMatch.IsMetBy(market.Version))
            throw new DomainRuleException(CommonErrors.PreconditionFailed, "The market changed since you read it; GET it again and reapply your change.");
        var data = await ValidateAsync(request, caller, ct, market.OperatorId);
        market.Change(data, time.GetUtcNow());
        journal.Append(market.TakeEvents(), AuditEntry.By(caller, "market.change", "market", id.ToString(), market.OperatorId.Value, Fields(request)));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.PreconditionFailed, "The market changed since you read it; GET it again and reapply your change.");
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            throw await NameTakenAsync(data.Name, ct);
        }
        return (market.ToResponse(MarketQueries.ProviderFields), market.Version);
    }

    private async Task<DomainRuleException> NameTakenAsync(string name, CancellationToken ct)
    {
        var key = PublishedMarket.KeyOf(name);
        var existing = await db.Markets.AsNoTracking().Where(m => m.NameKey == key).Select(m => m.Id).FirstOrDefaultAsync(ct);
        return new DomainRuleException(OnboardingErrors.MarketNameTaken, $"A market named \"{name}\" is already published.",
            new Dictionary<string, object?> { ["existingMarketId"] = existing.ToString() });
    }

    /// <summary>Every broken rule at once (422 <c>market.validation_failed</c>); nothing is stored when any is broken.</summary>
    private async Task<MarketData> ValidateAsync(MarketRequest request, Caller caller, CancellationToken ct, ParticipantId? owner = null)
    {
        var errors = new FieldErrors();
        errors.Required("name", request.Name, 200);
        errors.MaxLength("description", request.Description, 2000);
        var status = request.Status?.Trim() ?? PublishedMarket.Open;
        if (status is not (PublishedMarket.Open or PublishedMarket.Closed))
            errors.Add("status", "field.invalid", "status is open or closed.");
        var groups = new List<string>();
        foreach (var (g, i) in (request.GspGroups ?? []).Select((g, i) => (g, i)))
        {
            if (g is not null && DnoArea.FindByGspGroup(g.Trim().ToUpperInvariant()) is { } area)
            {
                if (!groups.Contains(area.GspGroup))
                    groups.Add(area.GspGroup);
            }
            else
            {
                errors.Add($"gspGroups[{i}]", "field.invalid", "A GSP group is _A to _P (one per DNO licence area; GET /api/v1/reference/dno-areas).");
            }
        }
        groups.Sort(StringComparer.Ordinal);
        if (request.ContactEmail is not null && !Email.TryParse(request.ContactEmail, out _))
            errors.Add("contactEmail", "email.invalid", "A valid email address is required.");

        var products = new List<ProductId>();
        foreach (var (p, i) in (request.ProductIds ?? []).Select((p, i) => (p, i)))
        {
            if (ProductId.TryParse(p, out var productId))
                products.Add(productId);
            else
                errors.Add($"productIds[{i}]", "product.not_found", $"{p} is not a product ID.");
        }
        products = [.. products.Distinct()];
        var operatorId = owner ?? caller.ParticipantId;
        if (products.Count > 0)
        {
            var own = await db.Products.AsNoTracking().Where(p => products.Contains(p.Id) && p.OwnerId == operatorId).Select(p => p.Id).ToListAsync(ct);
            foreach (var missing in products.Where(p => !own.Contains(p)))
                errors.Add("productIds", "product.not_found", $"{missing} is not a product of {operatorId}.");
        }

        var sections = new List<string>();
        var req = request.Requirements ?? new OnboardingRequirementsDto();
        foreach (var (s, i) in (req.CommercialSections ?? []).Select((s, i) => (s, i)))
        {
            if (s is not null && MarketQueries.CommercialSections.Contains(s.Trim()))
            {
                if (!sections.Contains(s.Trim()))
                    sections.Add(s.Trim());
            }
            else
            {
                errors.Add($"requirements.commercialSections[{i}]", "field.invalid",
                    $"A section is one of {string.Join(", ", MarketQueries.CommercialSections)}.");
            }
        }
        var documents = new List<MarketDocument>();
        foreach (var (d, i) in (req.Documents ?? []).Select((d, i) => (d, i)))
        {
            var code = d?.Code?.Trim();
            if (code is null || !DocumentCode().IsMatch(code))
                errors.Add($"requirements.documents[{i}].code", "field.invalid", "A document code is 1–64 lower-case letters, digits and dashes.");
            else if (documents.Any(x => x.Code == code))
                errors.Add($"requirements.documents[{i}].code", "field.duplicate", $"Document {code} is listed twice.");
            errors.Required($"requirements.documents[{i}].description", d?.Description, 500);
            if (code is not null && !string.IsNullOrWhiteSpace(d?.Description))
                documents.Add(new MarketDocument(code, d.Description.Trim()));
        }
        var rules = new List<string>();
        foreach (var (r, i) in (req.Rules ?? []).Select((r, i) => (r, i)))
        {
            errors.Required($"requirements.rules[{i}]", r, 500);
            if (!string.IsNullOrWhiteSpace(r))
                rules.Add(r.Trim());
        }
        if (errors.Any)
            throw new RequestValidationException(errors.All, OnboardingErrors.MarketInvalid);
        return new MarketData(request.Name!.Trim(), string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(), status, groups,
            [.. products.Select(p => p.ToString())], request.ContactEmail?.Trim(), new MarketRequirements(sections, documents, rules));
    }

    private async Task<(MarketResponse, Guid)?> ReplayAsync(MarketRequest request, string? key, Caller caller, CancellationToken ct)
    {
        if (await idempotency.ReplayAsync<MarketResponse>(caller, key, Operation, request, ct) is not { } replay)
            return null;
        var id = MarketId.TryParse(replay.MarketId, out var mid) ? mid : default;
        var version = await db.Markets.AsNoTracking().Where(m => m.Id == id).Select(m => m.Version).FirstOrDefaultAsync(ct);
        return (replay, version);
    }

    private static string[] Fields(MarketRequest r) =>
    [
        .. new (string Name, object? Value)[]
        {
            ("name", r.Name), ("description", r.Description), ("status", r.Status), ("gspGroups", r.GspGroups), ("productIds", r.ProductIds),
            ("contactEmail", r.ContactEmail), ("requirements", r.Requirements),
        }.Where(f => f.Value is not null).Select(f => f.Name),
    ];

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex DocumentCode();
}
