using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Onboarding;

/// <summary>Published markets are public to every participant: listed by operator, status and area, read one by one.</summary>
public sealed class MarketQueries(RegistryDbContext db)
{
    /// <summary>The commercial-information sections a market may require (the grantable parts of the visibility rule).</summary>
    public static readonly IReadOnlyList<string> CommercialSections =
        [.. DataParts.All.Where(p => p.StartsWith(DataParts.CommercialInformation + ".", StringComparison.Ordinal))];

    /// <summary>What every provider (fsp, aggregator) must meet anyway: the per-role requirements a market's extend.</summary>
    public static readonly IReadOnlyList<string> ProviderFields =
        [.. CommercialRequirements.For(ParticipantRole.Fsp).Requirements.Where(r => r.Required).Select(r => r.Field)];

    public static MarketId ParseId(string id) =>
        MarketId.TryParse(id, out var marketId)
            ? marketId
            : throw new DomainRuleException(OnboardingErrors.MarketNotFound, $"No market {(id.Length > 40 ? id[..40] + "…" : id)}.");

    public async Task<PublishedMarket> LoadAsync(MarketId id, CancellationToken ct) =>
        await db.Markets.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct)
        ?? throw new DomainRuleException(OnboardingErrors.MarketNotFound, $"No market {id}.");

    public async Task<Page<MarketResponse>> ListAsync(string? @operator, string? status, string? gspGroup, string? cursor, int? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        ParticipantId operatorId = default;
        if (@operator is not null && !ParticipantId.TryParse(@operator, out operatorId))
            errors.Add("operator", ParticipantErrors.InvalidId.Code, "operator is a participant ID.");
        if (status is not (null or PublishedMarket.Open or PublishedMarket.Closed))
            errors.Add("status", "field.invalid", "status is open or closed.");
        var area = gspGroup is null ? null : DnoArea.FindByGspGroup(gspGroup.Trim().ToUpperInvariant());
        if (gspGroup is not null && area is null)
            errors.Add("gspGroup", "field.invalid", "gspGroup is _A to _P.");
        var size = errors.PageSize(limit, 50, 100);
        MarketId after = default;
        if (cursor is not null && !MarketId.TryParse(cursor, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();

        var q = db.Markets.AsNoTracking();
        if (@operator is not null)
            q = q.Where(m => m.OperatorId == operatorId);
        if (status is not null)
            q = q.Where(m => m.Status == status);
        if (area is not null)
        {
            // A market listing no area serves all of GB.
            var wrapped = " " + area.GspGroup + " ";
            q = q.Where(m => m.GspGroups == " " || m.GspGroups.Contains(wrapped));
        }
        if (cursor is not null)
            q = q.Where(m => m.Id.CompareTo(after) > 0);
        var rows = await q.OrderBy(m => m.Id).Take(size + 1).ToListAsync(ct);
        return new Page<MarketResponse>([.. rows.Take(size).Select(m => m.ToResponse(ProviderFields))], rows.Count > size ? rows[size - 1].Id.ToString() : null);
    }
}
