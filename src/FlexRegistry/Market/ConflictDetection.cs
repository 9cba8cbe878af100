using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>What a detection run covers: one contract, portfolio, product or asset, or everything.</summary>
public sealed record ConflictScope(string Kind, string? Id)
{
    public const string ContractKind = "contract";
    public const string PortfolioKind = "portfolio";
    public const string ProductKind = "product";
    public const string AssetKind = "asset";
    public const string AllKind = "all";

    public static ConflictScope Of(ContractId id) => new(ContractKind, id.ToString());

    public static ConflictScope Of(ProductId id) => new(ProductKind, id.ToString());

    public static ConflictScope OfPortfolio(AssetId id) => new(PortfolioKind, id.Value);

    public static ConflictScope OfAsset(AssetId id) => new(AssetKind, id.Value);

    public static readonly ConflictScope All = new(AllKind, null);

    public override string ToString() => Id is null ? Kind : $"{Kind}:{Id}";
}

/// <summary>
/// One asset's commitment under one contract: the contract's terms and the membership that puts the asset in the
/// contracted portfolio. Its period is where the two overlap.
/// </summary>
public sealed record Commitment(
    AssetId AssetId,
    double? AssetCapacityKw,
    string AssetParties,
    ContractId Contract,
    ProductId Product,
    AssetId Portfolio,
    ParticipantId Seller,
    ParticipantId Buyer,
    double ContractedKw,
    DateTimeOffset ContractFrom,
    DateTimeOffset ContractTo,
    double? MemberKw,
    DateTimeOffset MemberFrom,
    DateTimeOffset? MemberTo)
{
    public DateTimeOffset Start => ContractFrom > MemberFrom ? ContractFrom : MemberFrom;

    public DateTimeOffset End => MemberTo is { } to && to < ContractTo ? to : ContractTo;

    /// <summary>The share of the asset this contract commits: the member's share, no more than the contract's capacity.</summary>
    public double? CommittedKw => (MemberKw ?? AssetCapacityKw) is { } share ? Math.Min(share, ContractedKw) : null;
}

/// <summary>
/// The conflict register's detection. The candidates are, for the scope, every pair of commitments of one asset whose
/// contract and membership periods overlap and whose products' window masks intersect (weekdays, months, times of day):
/// selected in memory from the scope's assets' commitments, read once, for a contract, portfolio or asset; by one
/// set-based query for a product or the whole register. Each candidate is then checked exactly — the stacking rule of the two templates, the windows expanded day
/// by day in GB time over the common period (cached per product pair and period), and for capacity-split pairs the
/// committed capacities against the asset's — for an asset with three or more commitments over its capacity, over all
/// of them at each moment instead (<see cref="CapacityTogether"/>). The result is reconciled with the register: new conflicts are recorded
/// (an event to every party), known ones refreshed, ones no longer found cleared.
/// </summary>
public sealed class ConflictDetection(RegistryDbContext db, Journal journal, TimeProvider time, ILogger<ConflictDetection> logger)
{
    private const int SaveBatch = 500;

    /// <summary>Capacities are compared with this much slack, so that a share split exactly (3.7 + 3.7 of 7.4 kW) fits.</summary>
    private const double CapacityTolerance = 1e-6;

    public sealed record Outcome(int Found, int Detected, int Cleared, IReadOnlyList<Conflict> Conflicts);

    /// <summary>Detects conflicts in <paramref name="scope"/> and brings the register up to date; returns what is now open in it.</summary>
    public async Task<Outcome> RunAsync(ConflictScope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (found, together) = await FindWithAsync(scope, ct);
                return await ReconcileAsync(scope, found, together, ct);
            }
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException && IsUniqueViolation(e) && attempt < 3)
            {
                // A concurrent run recorded one of these conflicts first: read the register again and reconcile with it.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The conflicts <paramref name="scope"/> holds, as detection finds them now (nothing is stored).</summary>
    public async Task<IReadOnlyList<FoundConflict>> FindAsync(ConflictScope scope, CancellationToken ct) => (await FindWithAsync(scope, ct)).Found;

    /// <summary>The conflicts the scope holds, and the assets whose capacity was judged over all their commitments together.</summary>
    /// <remarks>
    /// For a contract, portfolio or asset, every commitment of the scope's assets is read once, and both the candidate
    /// pairs and the assets judged together are derived from those rows in memory: the candidate query and the
    /// commitments read went over the same rows twice (issue 18's new-contract detection). For a product or the whole
    /// register, whose assets are most of the register, the database does the selecting (<see cref="CandidatePairsAsync"/>,
    /// <see cref="CommittedTogetherAsync"/>), so that only the few candidates are read.
    /// </remarks>
    private async Task<(IReadOnlyList<FoundConflict> Found, IReadOnlyCollection<AssetId> Together)> FindWithAsync(ConflictScope scope, CancellationToken ct)
    {
        if (scope.Kind is ConflictScope.AllKind or ConflictScope.ProductKind)
        {
            var candidates = await CandidatePairsAsync(scope, ct);
            var selected = await CommittedTogetherAsync(scope, ct);
            return (await EvaluateAsync(candidates, ct, together: selected), selected.Keys);
        }
        var inScope = await AssetsOfAsync(scope, ct);
        var commitments = await CommitmentsOfAsync(db.Assets.Where(a => inScope.Contains(a.Id)), ct);
        var products = await ProductsAsync(commitments.Values.SelectMany(l => l.Select(c => c.Product)), ct);
        var together = new Dictionary<AssetId, List<Commitment>>();
        foreach (var (asset, list) in commitments)
        {
            if (list[0].AssetCapacityKw is { } capacity && list.Count >= 3
                && list.Sum(c => Math.Min(c.MemberKw ?? capacity, c.ContractedKw)) > capacity + CapacityTolerance)
                together[asset] = list;
        }
        var pairs = PairsOf(scope, commitments, products);
        return (await EvaluateAsync(pairs, ct, together: together, loaded: products), together.Keys);
    }

    /// <summary>
    /// The conflicts a proposed contract would be in once accepted (nothing is stored): its portfolio's members' other
    /// commitments, checked against it.
    /// </summary>
    public async Task<IReadOnlyList<FoundConflict>> PreviewAsync(Contract proposed, Product product, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(product);
        var (start, end, exclude, kw) = (proposed.From, proposed.To, proposed.Id, proposed.ContractedCapacityKw);
        var stackableWith = StackingRules.With(product.Template, StackingRule.Stackable);
        var notStackableWith = StackingRules.With(product.Template, StackingRule.NotStackable);
        var rows = await (
                from m1 in db.PortfolioMembers
                join m2 in db.PortfolioMembers on m1.AssetId equals m2.AssetId
                join c2 in db.Contracts on m2.PortfolioId equals c2.PortfolioId
                join p2 in db.Products on c2.ProductId equals p2.Id
                join a in db.Assets on m1.AssetId equals a.Id
                where m1.PortfolioId == proposed.PortfolioId && m1.From < end && (m1.To == null || (m1.From < m1.To && start < m1.To))
                      && (c2.Status == ContractStatus.Active || c2.Status == ContractStatus.Terminated) && c2.Id != exclude
                      && c2.From < c2.To && c2.From < end && start < c2.To
                      && m2.From < end && m2.From < c2.To && (m1.To == null || m2.From < m1.To) && (m1.To == null || c2.From < m1.To) && m1.From < c2.To
                      && (m2.To == null || (m2.From < m2.To && start < m2.To && c2.From < m2.To && m1.From < m2.To))
                      && (p2.DayMask & product.DayMask) != 0 && (p2.MonthMask & product.MonthMask) != 0
                      && p2.EarliestStartMinute < product.LatestEndMinute && product.EarliestStartMinute < p2.LatestEndMinute
                      && !stackableWith.Contains(p2.Template)
                      && (notStackableWith.Contains(p2.Template)
                          || (a.RatedCapacityKw != null
                              && Math.Min(m1.CapacityKw ?? a.RatedCapacityKw.Value, kw) + Math.Min(m2.CapacityKw ?? a.RatedCapacityKw.Value, c2.ContractedCapacityKw)
                                 > a.RatedCapacityKw.Value + CapacityTolerance))
                select new
                {
                    a.Id,
                    a.RatedCapacityKw,
                    a.Parties,
                    MK1 = m1.CapacityKw,
                    MF1 = m1.From,
                    MT1 = m1.To,
                    C2 = c2.Id,
                    c2.ProductId,
                    c2.PortfolioId,
                    c2.SellerId,
                    c2.BuyerId,
                    c2.ContractedCapacityKw,
                    CF2 = c2.From,
                    CT2 = c2.To,
                    MK2 = m2.CapacityKw,
                    MF2 = m2.From,
                    MT2 = m2.To,
                })
            .AsNoTracking().ToListAsync(ct);
        var pairs = rows.Select(r => (
            new Commitment(r.Id, r.RatedCapacityKw, r.Parties, proposed.Id, proposed.ProductId, proposed.PortfolioId, proposed.SellerId, proposed.BuyerId,
                proposed.ContractedCapacityKw, start, end, r.MK1, r.MF1, r.MT1),
            new Commitment(r.Id, r.RatedCapacityKw, r.Parties, r.C2, r.ProductId, r.PortfolioId, r.SellerId, r.BuyerId, r.ContractedCapacityKw,
                r.CF2, r.CT2, r.MK2, r.MF2, r.MT2))).ToList();

        // The capacity rule as detection judges it once the contract is accepted: summed over everything each member is
        // committed to (CapacityTogether), where the proposed share and at least two others could exceed its capacity.
        var shares = await (
                from m1 in db.PortfolioMembers
                join m2 in db.PortfolioMembers on m1.AssetId equals m2.AssetId
                join c2 in Commitments() on m2.PortfolioId equals c2.PortfolioId
                join a in db.Assets on m1.AssetId equals a.Id
                where m1.PortfolioId == proposed.PortfolioId && m1.From < end && (m1.To == null || (m1.From < m1.To && start < m1.To))
                      && a.RatedCapacityKw != null && c2.Id != exclude
                      && c2.From < c2.To && m2.From < c2.To && (m2.To == null || (m2.From < m2.To && c2.From < m2.To))
                select new
                {
                    m1.AssetId,
                    Capacity = a.RatedCapacityKw!.Value,
                    Own = (m1.CapacityKw ?? a.RatedCapacityKw!.Value) < kw ? (m1.CapacityKw ?? a.RatedCapacityKw!.Value) : kw,
                    Kw = (m2.CapacityKw ?? a.RatedCapacityKw!.Value) < c2.ContractedCapacityKw ? (m2.CapacityKw ?? a.RatedCapacityKw!.Value) : c2.ContractedCapacityKw,
                })
            .GroupBy(x => x.AssetId)
            .Where(g => g.Count() >= 2 && g.Sum(x => x.Kw) + g.Max(x => x.Own) > g.Max(x => x.Capacity) + CapacityTolerance)
            .Select(g => g.Key)
            .ToListAsync(ct);
        var together = await CommitmentsOfAsync(shares, ct);
        if (together.Count > 0)
        {
            var members = await db.PortfolioMembers.AsNoTracking()
                .Where(m => m.PortfolioId == proposed.PortfolioId && shares.Contains(m.AssetId) && m.From < end && (m.To == null || (m.From < m.To && start < m.To)))
                .ToListAsync(ct);
            foreach (var m in members)
            {
                if (!together.TryGetValue(m.AssetId, out var list))
                    continue;
                list.RemoveAll(c => c.Contract == exclude);
                if (list.FirstOrDefault() is { } asset)
                    list.Add(new Commitment(m.AssetId, asset.AssetCapacityKw, asset.AssetParties, proposed.Id, proposed.ProductId, proposed.PortfolioId,
                        proposed.SellerId, proposed.BuyerId, kw, start, end, m.CapacityKw, m.From, m.To));
            }
        }
        // Only the pairs the proposal is in: a pair of others that it tips over is recorded once it is accepted.
        return [.. (await EvaluateAsync(pairs, ct, product, together)).Where(c => c.A.Contract == exclude || c.B.Contract == exclude)];
    }

    /// <summary>
    /// For an eligibility check: each asset's existing commitments that delivering <paramref name="product"/> over its
    /// whole validity, with the asset's full capacity, would conflict with.
    /// </summary>
    /// <remarks>
    /// The capacity rule is the summed one (<see cref="CapacityTogether"/>) here too, but with the whole asset committed
    /// it reduces to the pairwise check: the full capacity plus any other share already exceeds it, at every moment both
    /// apply, whatever else applies then.
    /// </remarks>
    public async Task<IReadOnlyList<FoundConflict>> ClashesAsync(IReadOnlyCollection<AssetId> assets, Product product, ParticipantId candidateSeller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(product);
        var start = WindowOverlaps.StartOf(product.ValidFrom);
        var end = WindowOverlaps.StartOf(product.ValidTo.AddDays(1));
        var stackableWith = StackingRules.With(product.Template, StackingRule.Stackable);
        var notStackableWith = StackingRules.With(product.Template, StackingRule.NotStackable);
        var rows = await (
                from m2 in db.PortfolioMembers
                join c2 in db.Contracts on m2.PortfolioId equals c2.PortfolioId
                join p2 in db.Products on c2.ProductId equals p2.Id
                join a in db.Assets on m2.AssetId equals a.Id
                where assets.Contains(m2.AssetId)
                      && (c2.Status == ContractStatus.Active || c2.Status == ContractStatus.Terminated)
                      && c2.From < c2.To && c2.From < end && start < c2.To
                      && m2.From < end && m2.From < c2.To && (m2.To == null || (m2.From < m2.To && start < m2.To && c2.From < m2.To))
                      && (p2.DayMask & product.DayMask) != 0 && (p2.MonthMask & product.MonthMask) != 0
                      && p2.EarliestStartMinute < product.LatestEndMinute && product.EarliestStartMinute < p2.LatestEndMinute
                      && !stackableWith.Contains(p2.Template)
                      // With the whole asset committed to the product, any share committed elsewhere exceeds it.
                      && (notStackableWith.Contains(p2.Template) || a.RatedCapacityKw != null)
                select new
                {
                    a.Id,
                    a.RatedCapacityKw,
                    a.Parties,
                    C2 = c2.Id,
                    c2.ProductId,
                    c2.PortfolioId,
                    c2.SellerId,
                    c2.BuyerId,
                    c2.ContractedCapacityKw,
                    CF2 = c2.From,
                    CT2 = c2.To,
                    MK2 = m2.CapacityKw,
                    MF2 = m2.From,
                    MT2 = m2.To,
                })
            .AsNoTracking().ToListAsync(ct);
        // The product's delivery by this asset, as if contracted with the whole asset: its ID is empty, it is nobody's contract yet.
        var hypothetical = new ContractId(Guid.Empty);
        var pairs = rows.Select(r => (
            new Commitment(r.Id, r.RatedCapacityKw, r.Parties, hypothetical, product.Id, r.Id, candidateSeller, product.OwnerId,
                r.RatedCapacityKw ?? 0, start, end, null, start, null),
            new Commitment(r.Id, r.RatedCapacityKw, r.Parties, r.C2, r.ProductId, r.PortfolioId, r.SellerId, r.BuyerId, r.ContractedCapacityKw,
                r.CF2, r.CT2, r.MK2, r.MF2, r.MT2))).ToList();
        return await EvaluateAsync(pairs, ct, product);
    }

    private IQueryable<Contract> Commitments() => db.Contracts.Where(c => c.Status == ContractStatus.Active || c.Status == ContractStatus.Terminated);

    /// <summary>
    /// The assets of the scope whose capacity is judged over all their commitments together (<see cref="CapacityTogether"/>):
    /// those with a known capacity and at least three commitments whose shares add up to more than it (with two, or
    /// with less committed, the pairwise rule is the whole rule), each with every commitment it has.
    /// </summary>
    /// <remarks>
    /// Used for a product or the whole register, where few of the many assets qualify: the database selects them first,
    /// so that only theirs are read. (A contract, portfolio or asset reads all its assets' commitments anyway: see
    /// <see cref="FindWithAsync"/>.)
    /// </remarks>
    private async Task<Dictionary<AssetId, List<Commitment>>> CommittedTogetherAsync(ConflictScope scope, CancellationToken ct)
    {
        var commitments = Commitments();
        var inScope = await AssetsOfAsync(scope, ct);
        var candidates = await (
                from m in db.PortfolioMembers
                join c in commitments on m.PortfolioId equals c.PortfolioId
                join a in db.Assets on m.AssetId equals a.Id
                where inScope.Contains(m.AssetId) && a.RatedCapacityKw != null
                      && c.From < c.To && m.From < c.To && (m.To == null || (m.From < m.To && c.From < m.To))
                select new
                {
                    m.AssetId,
                    Capacity = a.RatedCapacityKw!.Value,
                    Kw = (m.CapacityKw ?? a.RatedCapacityKw!.Value) < c.ContractedCapacityKw ? (m.CapacityKw ?? a.RatedCapacityKw!.Value) : c.ContractedCapacityKw,
                })
            .GroupBy(x => x.AssetId)
            .Where(g => g.Count() >= 3 && g.Sum(x => x.Kw) > g.Max(x => x.Capacity) + CapacityTolerance)
            .Select(g => g.Key)
            .ToListAsync(ct);
        return await CommitmentsOfAsync(candidates, ct);
    }

    /// <summary>The assets with a commitment on the scope's side: those its conflicts can be about.</summary>
    /// <remarks>
    /// For a contract or a portfolio, the portfolio's members are selected by its ID written into the statement as a
    /// literal (for a contract, read first), not reached through the contract's row nor passed as a parameter. The
    /// planner then estimates them from the column's statistics, where a large portfolio is a common value, instead of
    /// as the average portfolio (30 members, so 10 estimated where a 10,000-asset portfolio has 10,000); on that estimate
    /// it read the commitments by nested loops, probing the assets' and contracts' indexes once per commitment (40,000
    /// each), three times as long as the hash join it picks with the right one (issue 18's new-contract detection, 200k
    /// assets). A parameter would not do: the statement is prepared (Database:MaxAutoPrepare), and after five runs
    /// PostgreSQL keeps a generic plan, which knows no value and so estimates the average portfolio again.
    /// </remarks>
    private async Task<IQueryable<AssetId>> AssetsOfAsync(ConflictScope scope, CancellationToken ct)
    {
        var (first, firstMembers, _) = Scoped(scope);
        var portfolio = scope.Kind switch
        {
            ConflictScope.PortfolioKind => AssetId.Parse(scope.Id!),
            ConflictScope.ContractKind => await first.Select(c => (AssetId?)c.PortfolioId).FirstOrDefaultAsync(ct),
            _ => null,
        };
        if (portfolio is { } scoped)
            firstMembers = firstMembers.Where(m => m.PortfolioId == EF.Constant(scoped));
        return (
            from c1 in first
            join m1 in firstMembers on c1.PortfolioId equals m1.PortfolioId
            where c1.From < c1.To && m1.From < c1.To && (m1.To == null || (m1.From < m1.To && c1.From < m1.To))
            select m1.AssetId).Distinct();
    }

    /// <summary>
    /// The candidate pairs of a contract, portfolio or asset, from all the commitments of its assets: the predicates of
    /// <see cref="CandidatePairsAsync"/>'s query, applied in memory to the rows already read. The first side is one of
    /// the scope's own commitments; a pair of two of them (both of an asset's, two contracts of one portfolio) is taken
    /// once, not once from each side, which would count its overlap twice.
    /// </summary>
    private static List<(Commitment, Commitment)> PairsOf(ConflictScope scope, Dictionary<AssetId, List<Commitment>> commitments,
        Dictionary<ProductId, Product> products)
    {
        Func<Commitment, bool> own = _ => true;
        if (scope.Kind == ConflictScope.ContractKind)
        {
            var contract = new ContractId(Guid.Parse(scope.Id!));
            own = c => c.Contract == contract;
        }
        else if (scope.Kind == ConflictScope.PortfolioKind)
        {
            var portfolio = AssetId.Parse(scope.Id!);
            own = c => c.Portfolio == portfolio;
        }
        var pairs = new List<(Commitment, Commitment)>();
        foreach (var list in commitments.Values)
        {
            foreach (var x in list)
            {
                if (!own(x) || !products.TryGetValue(x.Product, out var px))
                    continue;
                foreach (var y in list)
                {
                    if (y.Contract == x.Contract || (own(y) && x.Contract.CompareTo(y.Contract) > 0) || !products.TryGetValue(y.Product, out var py))
                        continue;
                    // Both commitments apply at a common moment; the products' windows can meet; a rule can break (as in the query).
                    if (!(x.Start < y.End && y.Start < x.End)
                        || (px.DayMask & py.DayMask) == 0 || (px.MonthMask & py.MonthMask) == 0
                        || px.EarliestStartMinute >= py.LatestEndMinute || py.EarliestStartMinute >= px.LatestEndMinute)
                        continue;
                    var rule = StackingRules.Between(px.Template, py.Template);
                    if (rule == StackingRule.Stackable
                        || (rule != StackingRule.NotStackable
                            && !(x.AssetCapacityKw is { } capacity && x.CommittedKw!.Value + y.CommittedKw!.Value > capacity + CapacityTolerance)))
                        continue;
                    pairs.Add((x, y));
                }
            }
        }
        return pairs;
    }

    /// <summary>Every commitment (active or terminated contract, a membership overlapping it) of each of <paramref name="assets"/>.</summary>
    private async Task<Dictionary<AssetId, List<Commitment>>> CommitmentsOfAsync(IReadOnlyCollection<AssetId> assets, CancellationToken ct)
    {
        var together = new Dictionary<AssetId, List<Commitment>>();
        foreach (var chunk in assets.Chunk(500))
        {
            var ids = chunk.ToList();
            foreach (var (asset, list) in await CommitmentsOfAsync(db.Assets.Where(a => ids.Contains(a.Id)), ct))
                together[asset] = list;
        }
        return together;
    }

    /// <summary>Every commitment (active or terminated contract, a membership overlapping it) of each of <paramref name="assets"/>, in one query.</summary>
    private async Task<Dictionary<AssetId, List<Commitment>>> CommitmentsOfAsync(IQueryable<Asset> assets, CancellationToken ct)
    {
        var commitments = Commitments();
        var together = new Dictionary<AssetId, List<Commitment>>();
        var rows = await (
                from m in db.PortfolioMembers
                join c in commitments on m.PortfolioId equals c.PortfolioId
                join a in assets on m.AssetId equals a.Id
                where c.From < c.To && m.From < c.To && (m.To == null || (m.From < m.To && c.From < m.To))
                select new
                {
                    a.Id,
                    a.RatedCapacityKw,
                    a.Parties,
                    C = c.Id,
                    c.ProductId,
                    c.PortfolioId,
                    c.SellerId,
                    c.BuyerId,
                    c.ContractedCapacityKw,
                    CF = c.From,
                    CT = c.To,
                    MK = m.CapacityKw,
                    MF = m.From,
                    MT = m.To,
                })
            .AsNoTracking().ToListAsync(ct);
        foreach (var r in rows)
        {
            if (!together.TryGetValue(r.Id, out var list))
                together[r.Id] = list = [];
            list.Add(new Commitment(r.Id, r.RatedCapacityKw, r.Parties, r.C, r.ProductId, r.PortfolioId, r.SellerId, r.BuyerId, r.ContractedCapacityKw,
                r.CF, r.CT, r.MK, r.MF, r.MT));
        }
        return together;
    }

    /// <summary>The scope's own contracts and memberships (the first side of a pair), and whether a pair may come from both sides.</summary>
    private (IQueryable<Contract> First, IQueryable<PortfolioMember> FirstMembers, bool Unordered) Scoped(ConflictScope scope)
    {
        var first = Commitments();
        var firstMembers = db.PortfolioMembers.AsQueryable();
        var unordered = false;
        switch (scope.Kind)
        {
            case ConflictScope.ContractKind:
                var contract = new ContractId(Guid.Parse(scope.Id!));
                first = first.Where(c => c.Id == contract);
                break;
            case ConflictScope.PortfolioKind:
                var portfolio = AssetId.Parse(scope.Id!);
                first = first.Where(c => c.PortfolioId == portfolio);
                break;
            case ConflictScope.ProductKind:
                var product = new ProductId(Guid.Parse(scope.Id!));
                first = first.Where(c => c.ProductId == product);
                break;
            case ConflictScope.AssetKind:
                var asset = AssetId.Parse(scope.Id!);
                firstMembers = firstMembers.Where(m => m.AssetId == asset);
                unordered = true;
                break;
            default:
                unordered = true;
                break;
        }
        return (first, firstMembers, unordered);
    }

    /// <summary>The candidate pairs of the scope, from one set-based query.</summary>
    private async Task<List<(Commitment, Commitment)>> CandidatePairsAsync(ConflictScope scope, CancellationToken ct)
    {
        var commitments = Commitments();
        var (first, firstMembers, unordered) = Scoped(scope);
        ProductId? product = scope.Kind == ConflictScope.ProductKind ? new ProductId(Guid.Parse(scope.Id!)) : null;
        var stackable = StackingRules.Pairs(StackingRule.Stackable);
        var notStackable = StackingRules.Pairs(StackingRule.NotStackable);
        var query =
            from c1 in first
            join m1 in firstMembers on c1.PortfolioId equals m1.PortfolioId
            join m2 in db.PortfolioMembers on m1.AssetId equals m2.AssetId
            join c2 in commitments on m2.PortfolioId equals c2.PortfolioId
            join p1 in db.Products on c1.ProductId equals p1.Id
            join p2 in db.Products on c2.ProductId equals p2.Id
            join a in db.Assets on m1.AssetId equals a.Id
            where c1.Id != c2.Id && (!unordered || c1.Id.CompareTo(c2.Id) < 0)
                  // Every one of the four periods is non-empty and starts before each of the others ends: they share a moment.
                  && c1.From < c1.To && c2.From < c2.To && c1.From < c2.To && c2.From < c1.To
                  && m1.From < c1.To && m1.From < c2.To && m2.From < c1.To && m2.From < c2.To
                  && (m1.To == null || (m1.From < m1.To && c1.From < m1.To && c2.From < m1.To && m2.From < m1.To))
                  && (m2.To == null || (m2.From < m2.To && c1.From < m2.To && c2.From < m2.To && m1.From < m2.To))
                  // The products' windows can meet: a common weekday, a common month, overlapping times of day.
                  && (p1.DayMask & p2.DayMask) != 0 && (p1.MonthMask & p2.MonthMask) != 0
                  && p1.EarliestStartMinute < p2.LatestEndMinute && p2.EarliestStartMinute < p1.LatestEndMinute
                  // A rule can break: the templates are not stackable, or they stack only with the capacity split and the
                  // shares committed (each member's share, no more than its contract's capacity) exceed the asset's.
                  && !stackable.Contains(p1.Template + "|" + p2.Template)
                  && (notStackable.Contains(p1.Template + "|" + p2.Template)
                      || (a.RatedCapacityKw != null
                          && Math.Min(m1.CapacityKw ?? a.RatedCapacityKw.Value, c1.ContractedCapacityKw)
                             + Math.Min(m2.CapacityKw ?? a.RatedCapacityKw.Value, c2.ContractedCapacityKw) > a.RatedCapacityKw.Value + CapacityTolerance))
            select new
            {
                a.Id,
                a.RatedCapacityKw,
                a.Parties,
                C1 = c1.Id,
                P1 = c1.ProductId,
                F1 = c1.PortfolioId,
                S1 = c1.SellerId,
                B1 = c1.BuyerId,
                K1 = c1.ContractedCapacityKw,
                CF1 = c1.From,
                CT1 = c1.To,
                MK1 = m1.CapacityKw,
                MF1 = m1.From,
                MT1 = m1.To,
                C2 = c2.Id,
                P2 = c2.ProductId,
                F2 = c2.PortfolioId,
                S2 = c2.SellerId,
                B2 = c2.BuyerId,
                K2 = c2.ContractedCapacityKw,
                CF2 = c2.From,
                CT2 = c2.To,
                MK2 = m2.CapacityKw,
                MF2 = m2.From,
                MT2 = m2.To,
            };

        var pairs = new List<(Commitment, Commitment)>();
        await foreach (var r in query.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
        {
            // Where both contracts are in the scope (two of a product's) the pair comes twice, once from each side: keep one.
            if ((unordered || r.P2 == product) && r.C1.CompareTo(r.C2) > 0)
                continue;
            pairs.Add((
                new Commitment(r.Id, r.RatedCapacityKw, r.Parties, r.C1, r.P1, r.F1, r.S1, r.B1, r.K1, r.CF1, r.CT1, r.MK1, r.MF1, r.MT1),
                new Commitment(r.Id, r.RatedCapacityKw, r.Parties, r.C2, r.P2, r.F2, r.S2, r.B2, r.K2, r.CF2, r.CT2, r.MK2, r.MF2, r.MT2)));
        }
        return pairs;
    }

    /// <summary>Checks each candidate exactly and merges the rows of one asset and contract pair (several memberships in one portfolio).</summary>
    /// <remarks>
    /// The capacity-split pairs of an asset in <paramref name="together"/> are judged there, over all its commitments at
    /// each moment (<see cref="CapacityTogether"/>), instead of pair by pair.
    /// </remarks>
    private async Task<IReadOnlyList<FoundConflict>> EvaluateAsync(IReadOnlyList<(Commitment X, Commitment Y)> pairs, CancellationToken ct, Product? known = null,
        IReadOnlyDictionary<AssetId, List<Commitment>>? together = null, Dictionary<ProductId, Product>? loaded = null)
    {
        var products = loaded ?? await ProductsAsync(pairs.SelectMany(p => new[] { p.X.Product, p.Y.Product })
            .Concat(together?.Values.SelectMany(l => l.Select(c => c.Product)) ?? [])
            .Where(id => known is null || id != known.Id), ct);
        if (known is not null)
            products[known.Id] = known;

        var overlaps = new Dictionary<(ProductId, ProductId, DateTimeOffset, DateTimeOffset), WindowOverlap?>();
        var found = new Dictionary<(AssetId, ContractId, ContractId), FoundConflict>();
        foreach (var (x, y) in pairs)
        {
            var (a, b) = x.Contract.CompareTo(y.Contract) < 0 ? (x, y) : (y, x);
            if (!products.TryGetValue(a.Product, out var pa) || !products.TryGetValue(b.Product, out var pb))
                continue;
            var rule = StackingRules.Between(pa.Template, pb.Template);
            if (rule == StackingRule.Stackable || (rule == StackingRule.StackableIfCapacitySplit && together?.ContainsKey(a.AssetId) == true))
                continue;
            var start = a.Start > b.Start ? a.Start : b.Start;
            var end = a.End < b.End ? a.End : b.End;
            if (start >= end)
                continue;
            var key = (pa.Id, pb.Id, start, end);
            if (!overlaps.TryGetValue(key, out var overlap))
                overlaps[key] = overlap = WindowOverlaps.Between(pa, pb, start, end);
            if (overlap is null)
                continue;
            var kwA = a.CommittedKw;
            var kwB = b.CommittedKw;
            if (rule == StackingRule.StackableIfCapacitySplit && !(a.AssetCapacityKw is { } capacity && kwA is { } ka && kwB is { } kb && ka + kb > capacity + CapacityTolerance))
                continue;
            Add(a, b, rule == StackingRule.NotStackable ? "not-stackable" : CapacityExceeded, overlap);
        }
        var days = new Dictionary<(ProductId, DateOnly), (DateTimeOffset S, DateTimeOffset E)[]>();
        foreach (var commitments in together?.Values ?? [])
        {
            foreach (var (x, y, overlap) in CapacityTogether.Exceeded(commitments, products, CapacityTolerance, days))
            {
                var (a, b) = x.Contract.CompareTo(y.Contract) < 0 ? (x, y) : (y, x);
                Add(a, b, CapacityExceeded, overlap);
            }
        }
        return [.. found.Values];

        void Add(Commitment a, Commitment b, string wire, WindowOverlap overlap)
        {
            // The parties in ordinal order, each once (sorted in a list: a sorted set per conflict cost more than the rest of Add).
            var all = new List<string>(8) { a.Seller.Value, a.Buyer.Value, b.Seller.Value, b.Buyer.Value };
            all.AddRange(a.AssetParties.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            all.Sort(StringComparer.Ordinal);
            var parties = new List<string>(all.Count);
            foreach (var party in all)
            {
                if (parties.Count == 0 || !string.Equals(parties[^1], party, StringComparison.Ordinal))
                    parties.Add(party);
            }
            var conflict = new FoundConflict(a.AssetId, wire,
                new ConflictSideData(a.Contract, a.Product, a.Portfolio, a.Seller, a.Buyer, a.CommittedKw),
                new ConflictSideData(b.Contract, b.Product, b.Portfolio, b.Seller, b.Buyer, b.CommittedKw),
                overlap, a.AssetCapacityKw, parties);
            var id = (a.AssetId, a.Contract, b.Contract);
            found[id] = found.TryGetValue(id, out var earlier) ? Merge(earlier, conflict) : conflict;
        }
    }

    private const string CapacityExceeded = "capacity-exceeded";

    /// <summary>The products named, read in chunks.</summary>
    private async Task<Dictionary<ProductId, Product>> ProductsAsync(IEnumerable<ProductId> ids, CancellationToken ct)
    {
        var products = new Dictionary<ProductId, Product>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            foreach (var p in await db.Products.AsNoTracking().Where(p => chunk.Contains(p.Id)).ToListAsync(ct))
                products[p.Id] = p;
        }
        return products;
    }

    private static FoundConflict Merge(FoundConflict x, FoundConflict y)
    {
        var first = x.Overlap.FirstStart <= y.Overlap.FirstStart ? x.Overlap : y.Overlap;
        var lastEnd = x.Overlap.LastEnd >= y.Overlap.LastEnd ? x.Overlap.LastEnd : y.Overlap.LastEnd;
        return x with
        {
            Overlap = new WindowOverlap(first.FirstStart, first.FirstEnd, lastEnd, x.Overlap.Occurrences + y.Overlap.Occurrences),
            A = x.A with { CommittedKw = Max(x.A.CommittedKw, y.A.CommittedKw) },
            B = x.B with { CommittedKw = Max(x.B.CommittedKw, y.B.CommittedKw) },
        };
    }

    private static double? Max(double? x, double? y) => x is null ? y : y is null ? x : Math.Max(x.Value, y.Value);

    /// <summary>
    /// Brings the register's entries in the scope in line with what was found, in batches, with one audit record per run.
    /// The known entries are read without tracking and only those that change are attached, so that a scan which finds
    /// the register as it was writes (and compares) nothing.
    /// </summary>
    /// <remarks>
    /// The capacity entries of the assets judged <paramref name="together"/> are reconciled too, whichever contracts they
    /// name: a third commitment in the scope can put, or stop putting, a pair outside it over the asset's capacity.
    /// </remarks>
    private async Task<Outcome> ReconcileAsync(ConflictScope scope, IReadOnlyList<FoundConflict> found, IReadOnlyCollection<AssetId> together, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var outcome = await WriteAsync(scope, found, together, ct);
            await journal.CommitAsync(transaction, ct);
            if (outcome.Detected + outcome.Cleared > 0)
                logger.LogInformation("Conflict detection over {Scope}: {Found} found, {Detected} newly detected, {Cleared} cleared", scope, found.Count, outcome.Detected, outcome.Cleared);
            return outcome;
        });
    }

    /// <summary>
    /// The writes of a reconciliation, in the caller's transaction. New entries — most of what a new contract's run writes —
    /// go in set-based: their rows, their events and the run's audit record each in one bulk insert through the journal
    /// (a COPY on PostgreSQL), with no change tracking and no round trip per conflict; entries that change (refreshed,
    /// cleared) are saved through the unit of work in batches.
    /// </summary>
    private async Task<Outcome> WriteAsync(ConflictScope scope, IReadOnlyList<FoundConflict> found, IReadOnlyCollection<AssetId> together, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var known = await InScope(scope).AsNoTracking().ToListAsync(ct);
        if (scope.Kind != ConflictScope.AllKind && together.Count > 0)
        {
            // The capacity entries of the assets judged together, in one round trip: those of the scope's assets (which
            // hold every asset judged together), by the scope's own assets query, kept here for the assets judged together.
            // Not by their IDs: as one array parameter (`= ANY`), PostgreSQL estimates the match element by element against
            // the column's statistics, and 10,000 IDs cost more to plan than to run (50-90 ms planning, 40 ms running at
            // 200k, loaded; the semi-join 6-10 ms planning); as EF's default, one query per 500 IDs, 20 round trips.
            var inScope = await AssetsOfAsync(scope, ct);
            var judged = together.ToHashSet();
            var have = known.Select(c => c.Id).ToHashSet();
            known.AddRange((await db.Conflicts.AsNoTracking().Where(c => c.Rule == CapacityExceeded && inScope.Contains(c.AssetId)).ToListAsync(ct))
                .Where(c => judged.Contains(c.AssetId) && have.Add(c.Id)));
        }
        var byKey = known.ToDictionary(c => (c.AssetId, c.ContractA, c.ContractB));
        var foundKeys = new HashSet<(AssetId, ContractId, ContractId)>();
        var current = new List<Conflict>();
        var inserts = new List<Conflict>();
        var insertEvents = new List<EventRecord>();
        var detected = 0;
        var cleared = 0;
        var pending = 0;
        foreach (var f in found)
        {
            var key = (f.AssetId, f.A.Contract, f.B.Contract);
            foundKeys.Add(key);
            if (byKey.TryGetValue(key, out var existing))
            {
                var wasCleared = existing.Status == ConflictStatus.Cleared;
                if (existing.Refresh(f, now))
                {
                    db.Conflicts.Update(existing);
                    journal.Append(existing.TakeEvents());
                    pending++;
                }
                if (wasCleared)
                    detected++;
                current.Add(existing);
            }
            else
            {
                var conflict = Conflict.Detect(f, now);
                inserts.Add(conflict);
                insertEvents.AddRange(conflict.TakeEvents().Select(e => EventRecord.From(e, now)));
                current.Add(conflict);
                detected++;
            }
            if (pending >= SaveBatch)
            {
                await SaveBatchAsync(ct);
                pending = 0;
            }
        }
        foreach (var stale in known.Where(c => c.Status != ConflictStatus.Cleared && !foundKeys.Contains((c.AssetId, c.ContractA, c.ContractB))))
        {
            stale.Clear(now);
            db.Conflicts.Update(stale);
            journal.Append(stale.TakeEvents());
            cleared++;
            if (++pending >= SaveBatch)
            {
                await SaveBatchAsync(ct);
                pending = 0;
            }
        }
        await SaveBatchAsync(ct);
        await BulkWriter.For(db).InsertAsync(db, inserts, ct);
        AuditRecord[] audit = detected + cleared > 0
            ? [AuditRecord.From(AuditEntry.BySystem("conflict-detection", "conflict.detect", "conflict_scope", scope.ToString(), null,
                $"detected:{detected}", $"cleared:{cleared}"), now)]
            : [];
        await journal.AppendInBulkAsync(insertEvents, audit, ct);
        return new Outcome(found.Count, detected, cleared, current);
    }

    /// <summary>A unique violation, from the unit of work or from a bulk insert (which reports the provider's own exception).</summary>
    private static bool IsUniqueViolation(Exception e) => (e as DbUpdateException ?? new DbUpdateException(e.Message, e)).IsUniqueViolation();

    /// <summary>Saves a batch and lets go of it: later batches neither compare nor re-save its entries.</summary>
    private async Task SaveBatchAsync(CancellationToken ct)
    {
        await journal.SaveAsync(ct);
        db.ChangeTracker.Clear();
    }

    private IQueryable<Conflict> InScope(ConflictScope scope)
    {
        var conflicts = db.Conflicts.AsQueryable();
        switch (scope.Kind)
        {
            case ConflictScope.ContractKind:
                var contract = new ContractId(Guid.Parse(scope.Id!));
                return conflicts.Where(c => c.ContractA == contract || c.ContractB == contract);
            case ConflictScope.PortfolioKind:
                var portfolio = AssetId.Parse(scope.Id!);
                return conflicts.Where(c => c.PortfolioA == portfolio || c.PortfolioB == portfolio);
            case ConflictScope.ProductKind:
                var product = new ProductId(Guid.Parse(scope.Id!));
                return conflicts.Where(c => c.ProductA == product || c.ProductB == product);
            case ConflictScope.AssetKind:
                var asset = AssetId.Parse(scope.Id!);
                return conflicts.Where(c => c.AssetId == asset);
            default:
                return conflicts;
        }
    }
}
