using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Events;

/// <summary>Create, read, change, rotate, replay and delete webhook subscriptions. A subscription is its owner's (and the registry operator's) only.</summary>
public sealed class ManageSubscriptions(RegistryDbContext db, WebhookUrlPolicy urls, WebhookOptions options, EventLogSignal newEvents, EventSequencer sequencer,
    TimeProvider time)
{
    public const int MaxTypes = 100;
    public const int MaxFilterValues = 500;

    public async Task<SubscriptionSecretResponse> CreateAsync(CreateSubscriptionRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var url = await urls.CheckAsync("url", request.Url, errors, ct);
        var types = CheckTypes(request.Types, errors);
        var filters = CheckFilters(request.Filters ?? new SubscriptionFiltersDto(), errors);
        errors.ThrowIfAny();

        // The subscription starts after the events committed before it: those are sequenced first (as for a read of the
        // feed), then the end of the log is its cursor.
        await sequencer.CatchUpAsync(db, ct);
        var endOfLog = await db.SequencedEvents.MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
        var subscription = Subscription.Create(caller.ParticipantId, caller.IsRegistryOperator, url!, types, filters, endOfLog, time.GetUtcNow());
        db.Subscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        newEvents.SubscriptionsChanged();
        return new SubscriptionSecretResponse(subscription.Id.ToString(), subscription.Secret, null, ToResponse(subscription));
    }

    public async Task<Page<SubscriptionResponse>> ListAsync(string? cursor, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.PageSize(limit, 50, 200);
        Guid after = default;
        if (cursor is not null && !Guid.TryParse(cursor, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();
        var q = db.Subscriptions.AsNoTracking().Where(s => s.ParticipantId == caller.ParticipantId);
        if (cursor is not null)
            q = q.Where(s => s.Id.CompareTo(after) > 0);
        var rows = await q.OrderBy(s => s.Id).Take(size + 1).ToListAsync(ct);
        return new Page<SubscriptionResponse>([.. rows.Take(size).Select(ToResponse)], rows.Count > size ? rows[size - 1].Id.ToString() : null);
    }

    public async Task<SubscriptionResponse> GetAsync(string id, Caller caller, CancellationToken ct) =>
        ToResponse(await LoadAsync(id, caller, ct));

    public async Task<SubscriptionResponse> UpdateAsync(string id, UpdateSubscriptionRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var types = request.Types is null ? null : CheckTypes(request.Types, errors);
        errors.ThrowIfAny();
        var subscription = await LoadAsync(id, caller, ct);
        var now = time.GetUtcNow();
        if (types is not null)
            subscription.ChangeTypes(types, now);
        if (request.Active == true)
            subscription.Resume(now);
        else if (request.Active == false)
            subscription.Pause("Paused by the subscriber.", now);
        await db.SaveChangesAsync(ct);
        if (request.Active == true)
            newEvents.SubscriptionsChanged();
        return ToResponse(subscription);
    }

    public async Task DeleteAsync(string id, Caller caller, CancellationToken ct)
    {
        var subscription = await LoadAsync(id, caller, ct);
        db.Subscriptions.Remove(subscription);
        await db.SaveChangesAsync(ct);
    }

    public async Task<SubscriptionSecretResponse> RotateSecretAsync(string id, Caller caller, CancellationToken ct)
    {
        var subscription = await LoadAsync(id, caller, ct);
        subscription.RotateSecret(options.SecretOverlap, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return new SubscriptionSecretResponse(subscription.Id.ToString(), subscription.Secret, subscription.PreviousSecretExpiresAt, ToResponse(subscription));
    }

    /// <summary>
    /// Re-sends every matching event from <c>fromSequence</c> on: the cursor moves back and the dispatcher works forward
    /// again. Deliveries still pending in that range are replaced, so nothing goes out twice because of the replay itself.
    /// </summary>
    public async Task<ReplayResponse> ReplayAsync(string id, ReplayRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        if (request.FromSequence is null)
            errors.Add("fromSequence", "field.required", "fromSequence is required.");
        else if (request.FromSequence < 1)
            errors.Add("fromSequence", "field.out_of_range", "fromSequence must be at least 1.");
        errors.ThrowIfAny();
        var subscription = await LoadAsync(id, caller, ct);
        var from = request.FromSequence!.Value;
        var subscriptionId = subscription.Id;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Cursor first: on PostgreSQL this waits for a dispatcher pass in progress on the subscription, so the delete
        // below also sees the deliveries that pass created.
        await db.Subscriptions.Where(s => s.Id == subscriptionId && s.Cursor >= from)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Cursor, from - 1), ct);
        await db.WebhookDeliveries.Where(d => d.SubscriptionId == subscriptionId && d.Status == DeliveryStatus.Pending && d.EventSequence >= from)
            .ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        // The dispatcher fans the replayed events out now rather than at its next poll.
        newEvents.SubscriptionsChanged();
        return new ReplayResponse(subscription.Id.ToString(), from.ToString(CultureInfo.InvariantCulture));
    }

    public async Task<Page<DeadLetterResponse>> DeadLettersAsync(string id, string? cursor, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.PageSize(limit, 50, 200);
        long after = 0;
        if (cursor is not null && !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();
        var subscription = await LoadAsync(id, caller, ct);
        var rows = await (
                from d in db.WebhookDeliveries.AsNoTracking()
                join q in db.SequencedEvents.AsNoTracking() on d.EventSequence equals q.Sequence
                join e in db.Events.AsNoTracking() on q.Position equals e.Position
                where d.SubscriptionId == subscription.Id && d.Status == DeliveryStatus.DeadLettered && d.Id > after
                orderby d.Id
                select new { d.Id, EventId = e.Id, q.Sequence, e.Type, e.Subject, d.Attempts, d.LastStatusCode, d.LastError, d.CompletedAt })
            .Take(size + 1).ToListAsync(ct);
        var items = rows.Take(size).Select(r => new DeadLetterResponse(
            r.Id.ToString(CultureInfo.InvariantCulture), r.EventId.ToString(), r.Sequence.ToString(CultureInfo.InvariantCulture),
            r.Type, r.Subject, r.Attempts, r.LastStatusCode, r.LastError, r.CompletedAt)).ToList();
        return new Page<DeadLetterResponse>(items, rows.Count > size ? rows[size - 1].Id.ToString(CultureInfo.InvariantCulture) : null);
    }

    private async Task<Subscription> LoadAsync(string id, Caller caller, CancellationToken ct)
    {
        var subscription = Guid.TryParse(id, out var guid) ? await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == guid, ct) : null;
        // Someone else's subscription answers exactly like a missing one.
        if (subscription is null || !caller.CanAdminister(subscription.ParticipantId))
            throw new DomainRuleException(SubscriptionErrors.NotFound, $"No subscription {id} is visible to you.");
        return subscription;
    }

    private static List<string> CheckTypes(IReadOnlyList<string>? types, FieldErrors errors)
    {
        if (types is null || types.Count == 0)
        {
            errors.Add("types", "field.required", "types must name at least one event type.");
            return [];
        }
        if (types.Count > MaxTypes)
            errors.Add("types", "field.too_many", $"types may name at most {MaxTypes} event types.");
        for (var i = 0; i < types.Count; i++)
        {
            if (!EventTypes.IsKnown(types[i] ?? ""))
                errors.Add($"types[{i}]", SubscriptionErrors.TypeUnknown, $"{types[i]} is not a published event type.");
        }
        return [.. types.Where(t => t is not null)];
    }

    private static SubscriptionFiltersDto CheckFilters(SubscriptionFiltersDto filters, FieldErrors errors)
    {
        var participantIds = new List<string>();
        foreach (var (value, i) in (filters.ParticipantIds ?? []).Select((v, i) => (v, i)))
        {
            if (ParticipantId.TryParse(value, out var pid))
                participantIds.Add(pid.Value);
            else
                errors.Add($"filters.participantIds[{i}]", ParticipantErrors.InvalidId.Code, $"{value} is not a participant ID.");
        }
        var assetIds = (filters.AssetIds ?? []).Select(a => a?.Trim().ToUpperInvariant() ?? "").ToList();
        for (var i = 0; i < assetIds.Count; i++)
        {
            if (assetIds[i].Length is 0 or > 40)
                errors.Add($"filters.assetIds[{i}]", SubscriptionErrors.FilterInvalid, "An asset ID is 1–40 characters.");
        }
        var portfolioIds = (filters.PortfolioIds ?? []).Select(a => a?.Trim().ToUpperInvariant() ?? "").ToList();
        for (var i = 0; i < portfolioIds.Count; i++)
        {
            if (!Assets.AssetId.TryParse(portfolioIds[i], out var portfolio) || Assets.AssetType.FindByIdCode(portfolio.TypeCode) is not { IsPortfolio: true })
                errors.Add($"filters.portfolioIds[{i}]", SubscriptionErrors.FilterInvalid, "A portfolio ID is an asset ID of type portfolio (FRA-PF-…).");
        }
        if (participantIds.Count + assetIds.Count + portfolioIds.Count > MaxFilterValues)
            errors.Add("filters", "field.too_many", $"filters may name at most {MaxFilterValues} IDs.");

        AreaFilterDto? areas = null;
        if (filters.Areas is { } a)
        {
            foreach (var (dno, i) in (a.DnoAreas ?? []).Select((v, i) => (v, i)))
            {
                if (DnoArea.FindByDistributorId(dno) is null)
                    errors.Add($"filters.areas.dnoAreas[{i}]", SubscriptionErrors.FilterInvalid, "A DNO licence area is an MPAN distributor ID from 10 to 23.");
            }
            var gspGroups = new List<string>();
            foreach (var (gsp, i) in (a.GspGroups ?? []).Select((v, i) => (v, i)))
            {
                if (gsp is not null && DnoArea.FindByGspGroup(gsp) is { } area)
                    gspGroups.Add(area.GspGroup);
                else
                    errors.Add($"filters.areas.gspGroups[{i}]", SubscriptionErrors.FilterInvalid, "A GSP group is one of _A to _P (see /api/v1/reference/dno-areas).");
            }
            var districts = new List<string>();
            foreach (var (district, i) in (a.PostcodeDistricts ?? []).Select((v, i) => (v, i)))
            {
                // An outward code is valid when it forms a postcode with any inward code.
                if (district is not null && Postcode.TryParse(district.Trim() + " 1AA", out var postcode))
                    districts.Add(postcode.District);
                else
                    errors.Add($"filters.areas.postcodeDistricts[{i}]", SubscriptionErrors.FilterInvalid, $"{district} is not a postcode district such as CB1.");
            }
            if (a.Bbox is { } box && !(box.MinLatitude is >= -90 and <= 90 && box.MaxLatitude is >= -90 and <= 90
                    && box.MinLongitude is >= -180 and <= 180 && box.MaxLongitude is >= -180 and <= 180
                    && box.MinLatitude <= box.MaxLatitude && box.MinLongitude <= box.MaxLongitude))
                errors.Add("filters.areas.bbox", SubscriptionErrors.FilterInvalid, "bbox needs minLatitude ≤ maxLatitude in [-90, 90] and minLongitude ≤ maxLongitude in [-180, 180].");
            areas = new AreaFilterDto
            {
                DnoAreas = a.DnoAreas is { Count: > 0 } ? [.. a.DnoAreas.Distinct()] : null,
                GspGroups = gspGroups.Count > 0 ? gspGroups : null,
                PostcodeDistricts = districts.Count > 0 ? districts : null,
                Bbox = a.Bbox,
            };
        }
        return new SubscriptionFiltersDto
        {
            ParticipantIds = participantIds.Count > 0 ? participantIds : null,
            AssetIds = assetIds.Count > 0 ? assetIds : null,
            PortfolioIds = portfolioIds.Count > 0 ? portfolioIds : null,
            Areas = areas,
        };
    }

    internal static SubscriptionResponse ToResponse(Subscription s) => new(
        s.Id.ToString(), s.ParticipantId.Value, s.Url, s.TypeList, s.Filters, s.Status.ToString().ToLowerInvariant(), s.DisabledReason,
        s.Cursor.ToString(CultureInfo.InvariantCulture), s.CreatedAt, s.UpdatedAt);
}
