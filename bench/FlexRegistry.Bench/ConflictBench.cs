using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Bench;

/// <summary>
/// Conflict detection (issue 18): a register of <c>--assets</c> assets, each a member of three portfolios of about
/// <c>--portfolio-size</c> members (3 × assets memberships), one accepted contract per portfolio (assets × 3 /
/// portfolio-size contracts: 100,000 at the issue's 1,000,000 assets and 30 per portfolio), over <c>--products</c>
/// products of mixed templates and windows; plus one target portfolio of <c>--target-size</c> members. Loaded with the
/// register's own entities through <see cref="BulkWriter"/> (binary COPY / prepared INSERT), not timed. Then, with the
/// register's own <see cref="ConflictDetection"/> in process:
/// (1) a full scan that records the register (initial), and again (steady);
/// (2) <c>--runs</c> times: a new accepted contract on the target portfolio and the detection for it (the issue's
///     "new-contract detection", p99 ≤ 1 s on PostgreSQL at full scale);
/// each beside the raw floor: the candidate join alone, as one plain <c>SELECT count(*)</c> on the same database.
/// </summary>
public static class ConflictBench
{
    private static readonly DateTimeOffset Now = TimeProvider.System.GetUtcNow();

    /// <summary>The new contracts on the target portfolio are for products that stack with few others: the detection's worst case.</summary>
    private static readonly string[] TargetTemplates = ["dso-secure", "neso-quick-reserve", "balancing-mechanism"];

    public static async Task<int> RunAsync(Args args)
    {
        var provider = args.Require("provider");
        var assets = args.Count("assets", 1_000_000);
        var portfolioSize = args.Count("portfolio-size", 30);
        var targetSize = Math.Min(args.Count("target-size", 10_000), assets);
        var products = args.Count("products", 60);
        var runs = args.Count("runs", 20);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider == "postgres" ? "Postgres" : "Sqlite",
            ["Database:ConnectionString"] = args.Require("connection"),
            ["Auth:KeyFile"] = "",
        }).Build();
        // The register's own composition; its background services (sequencers, workers) are not started.
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
        services.AddRegistry(config);
        await using var root = services.BuildServiceProvider();
        await root.PrepareDatabaseAsync();

        var portfolios = Math.Max(3, assets * 3 / portfolioSize / 3 * 3);
        var clock = Stopwatch.StartNew();
        var (target, seller, targetProducts) = await LoadAsync(root, assets, portfolios, targetSize, products);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loaded: {assets} assets, {assets * 3 + targetSize} memberships, {portfolios + 1} portfolios, {portfolios} contracts, {products} products in {clock.Elapsed.TotalSeconds:F0} s"));

        for (var pass = 0; pass < 2; pass++)
        {
            await using var scope = root.CreateAsyncScope();
            var detection = scope.ServiceProvider.GetRequiredService<ConflictDetection>();
            clock.Restart();
            var outcome = await detection.RunAsync(ConflictScope.All, default);
            var seconds = clock.Elapsed.TotalSeconds;
            var floor = await FloorAsync(scope.ServiceProvider.GetRequiredService<RegistryDbContext>(), null);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT full_scan={(pass == 0 ? "initial" : "steady")} seconds={seconds:F2} conflicts={outcome.Found} detected={outcome.Detected} floor_seconds={floor.Seconds:F2} candidate_rows={floor.Rows} ratio={seconds / floor.Seconds:F1}"));
        }

        // Each run: a new accepted contract on the target portfolio; the detection alone (nothing stored), then the
        // detection with the register brought up to date (what accepting a contract runs); then the contract and its
        // conflicts are removed again, so that every run starts from the same register.
        var find = new Latencies();
        var record = new Latencies();
        var floors = new Latencies();
        var found = 0;
        for (var run = 0; run < runs; run++)
        {
            await using var scope = root.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var product = targetProducts[run % targetProducts.Count];
            var contract = Contract.Propose(new ContractTerms(target, product.Id, Now.AddDays(-1), Now.AddDays(300), 5_000, null, []),
                seller, product.OwnerId, product.OwnerId, Now);
            contract.Accept(seller, Now);
            // Made for the measurement: its events are not the measurement's business.
            contract.TakeEvents();
            db.Contracts.Add(contract);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            var detection = scope.ServiceProvider.GetRequiredService<ConflictDetection>();
            clock.Restart();
            found += (await detection.FindAsync(ConflictScope.Of(contract.Id), default)).Count;
            find.Record(clock.Elapsed);
            clock.Restart();
            await detection.RunAsync(ConflictScope.Of(contract.Id), default);
            record.Record(clock.Elapsed);
            floors.Record(TimeSpan.FromSeconds((await FloorAsync(db, contract.Id)).Seconds));
            await db.Conflicts.Where(c => c.ContractA == contract.Id || c.ContractB == contract.Id).ExecuteDeleteAsync();
            await db.Contracts.Where(c => c.Id == contract.Id).ExecuteDeleteAsync();
        }
        Console.WriteLine($"RESULT new_contract_conflicts_per_run={found / Math.Max(1, runs)} target_members={targetSize}");
        Console.WriteLine($"RESULT new_contract_detection (found, nothing stored) {find.Summary()}");
        Console.WriteLine($"RESULT new_contract_detection_recorded (found and recorded, with events) {record.Summary()}");
        Console.WriteLine($"RESULT new_contract_floor (candidate join, count only) {floors.Summary()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT new_contract_ratio_p99 detection={find.Percentile(99) / floors.Percentile(99):F1} recorded={record.Percentile(99) / floors.Percentile(99):F1}"));
        return 0;
    }

    /// <summary>The candidate join of the detection (for one contract, or every pair), counted by the database alone.</summary>
    private static async Task<(double Seconds, long Rows)> FloorAsync(RegistryDbContext db, ContractId? contract)
    {
        var postgres = db.Database.IsNpgsql();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """
            SELECT count(*) FROM contracts c1
            JOIN portfolio_members m1 ON m1."PortfolioId" = c1."PortfolioId"
            JOIN portfolio_members m2 ON m2."AssetId" = m1."AssetId"
            JOIN contracts c2 ON c2."PortfolioId" = m2."PortfolioId"
            WHERE c2."Id" <> c1."Id" AND c1."Status" IN ('Active', 'Terminated') AND c2."Status" IN ('Active', 'Terminated')
            """ + (contract is null ? " AND c1.\"Id\" < c2.\"Id\"" : " AND c1.\"Id\" = @id");
        if (contract is { } id)
            command.Parameters.Add(Parameter(command, "@id", postgres ? id.Value : id.Value.ToString().ToUpperInvariant()));
        var clock = Stopwatch.StartNew();
        var rows = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        return (clock.Elapsed.TotalSeconds, rows);
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        return p;
    }

    /// <summary>Loads the register unless it is already loaded (an earlier run); returns the target portfolio and products to contract it for.</summary>
    private static async Task<(AssetId Target, ParticipantId Owner, List<Product> Products)> LoadAsync(IServiceProvider root, int assets, int portfolios, int targetSize, int productCount)
    {
        await using var scope = root.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var writer = BulkWriter.For(db);
        if (await db.Contracts.AnyAsync())
        {
            // Loaded by an earlier run (e.g. to measure a change to the detection against the same data): the target is the largest portfolio.
            var largest = await db.PortfolioMembers.GroupBy(m => m.PortfolioId).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
            var owner = await db.Assets.Where(a => a.Id == largest).Select(a => a.RegistrantId).FirstAsync();
            Console.WriteLine("reusing the register already loaded in this database");
            return (largest, owner, [.. (await db.Products.AsNoTracking().OrderBy(p => p.Id).ToListAsync()).Where(p => TargetTemplates.Contains(p.Template))]);
        }
        var random = new Random(18);
        var sellers = Enumerable.Range(0, 100).Select(_ => ParticipantId.New()).ToList();
        var buyers = Enumerable.Range(0, 10).Select(_ => ParticipantId.New()).ToList();

        // Products: mostly templates that stack with each other, some that do not; windows at several times of day.
        // Nine in ten products stack with one another (or with the capacity split, which the members' shares respect).
        string[] templates =
        [
            "dso-sustain", "dso-sustain", "dso-sustain", "demand-flexibility-service", "demand-flexibility-service", "supplier-time-shifting",
            "supplier-time-shifting", "dso-sustain", "demand-flexibility-service", "supplier-time-shifting", "dso-sustain", "demand-flexibility-service",
            "supplier-time-shifting", "dso-sustain", "demand-flexibility-service", "supplier-time-shifting", "dso-sustain", "dso-secure",
            "neso-quick-reserve", "balancing-mechanism",
        ];
        (string Rule, string Start, string End)[] windows =
        [
            ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYMONTH=11,12,1,2", "16:00", "19:00"), ("FREQ=DAILY", "06:00", "09:00"),
            ("FREQ=WEEKLY;BYDAY=SA,SU", "10:00", "14:00"), ("FREQ=DAILY;BYMONTH=6,7,8", "12:00", "15:00"), ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "17:00", "20:00"),
            ("FREQ=DAILY", "22:00", "24:00"),
        ];
        var products = new List<Product>();
        for (var i = 0; i < productCount; i++)
        {
            var w = windows[random.Next(windows.Length)];
            var data = ProductData.Validate(new ProductRequest
            {
                Template = templates[random.Next(templates.Length)],
                Name = "Bench product " + i.ToString(CultureInfo.InvariantCulture),
                Direction = "up",
                ValidFrom = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-30),
                ValidTo = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(335),
                Windows = [new ServiceWindowDto { Recurrence = w.Rule, Start = w.Start, End = w.End }],
            });
            products.Add(Product.Define(data, buyers[random.Next(buyers.Count)], Now));
        }
        await InTransactionAsync(db, () => writer.InsertAsync(db, products, default));

        // Portfolios (assets of type portfolio), then the member assets in batches, each in three portfolios (one per third
        // of the portfolios, spread by a different multiplier each) with a third of its capacity, so that only stacking
        // rules, not capacities, make conflicts.
        var portfolioIds = new List<(AssetId Id, ParticipantId Owner)>();
        for (var start = 0; start <= portfolios; start += 10_000)
        {
            var batch = new List<Asset>();
            for (var j = start; j < Math.Min(portfolios + 1, start + 10_000); j++)
            {
                var owner = sellers[j % sellers.Count];
                var asset = Register(new RegisterAssetRequest
                {
                    Type = "portfolio",
                    SerialNumber = "BENCH-PF-" + j.ToString(CultureInfo.InvariantCulture),
                    Status = "commissioned",
                    CommissioningDate = new DateOnly(2025, 1, 1),
                }, owner);
                batch.Add(asset);
                portfolioIds.Add((asset.Id, owner));
            }
            await InTransactionAsync(db, () => writer.InsertAsync(db, batch, default));
        }
        var target = portfolioIds[^1];
        var third = portfolios / 3;
        for (var start = 0; start < assets; start += 20_000)
        {
            var batch = new List<Asset>();
            var members = new List<PortfolioMember>();
            for (var i = start; i < Math.Min(assets, start + 20_000); i++)
            {
                var asset = Register(new RegisterAssetRequest
                {
                    Type = "ev-chargepoint",
                    Mpan = Shared.Mpan.WithCheckDigit("12" + i.ToString("D10", CultureInfo.InvariantCulture)),
                    Manufacturer = "Bench Chargers Ltd",
                    Model = "B7",
                    SerialNumber = "BENCH-" + i.ToString(CultureInfo.InvariantCulture),
                    Address = new AssetAddressDto { Line1 = "1 Bench Street", Town = "Cambridge", Postcode = "CB1 2AB" },
                    ImportCapacityKw = 7.4m,
                    Status = "commissioned",
                    CommissioningDate = new DateOnly(2025, 1, 1),
                    OwnerConsent = new OwnerConsentDto { Reference = "BENCH", Method = "signed-contract", Date = new DateOnly(2025, 1, 1) },
                }, sellers[i % sellers.Count]);
                batch.Add(asset);
                long[] multipliers = [7_919, 104_729, 1_299_709];
                for (var k = 0; k < 3; k++)
                {
                    var portfolio = portfolioIds[(k * third) + (int)((i * multipliers[k] + k) % third)];
                    members.Add(PortfolioMember.Add(portfolio.Id, asset, 2.4, Now.AddDays(-30), null, portfolio.Owner, [], Now));
                }
                if (i < targetSize)
                    members.Add(PortfolioMember.Add(target.Id, asset, 2.4, Now.AddDays(-30), null, target.Owner, [], Now));
            }
            await InTransactionAsync(db, async () =>
            {
                await writer.InsertAsync(db, batch, default);
                await writer.InsertAsync(db, members, default);
            });
        }

        // One accepted contract per (non-target) portfolio, for a product of a random buyer.
        for (var start = 0; start < portfolios; start += 20_000)
        {
            var batch = new List<Contract>();
            for (var j = start; j < Math.Min(portfolios, start + 20_000); j++)
            {
                var product = products[random.Next(products.Count)];
                var contract = Contract.Propose(new ContractTerms(portfolioIds[j].Id, product.Id, Now.AddDays(-10), Now.AddDays(355), 50, null, []),
                    portfolioIds[j].Owner, product.OwnerId, portfolioIds[j].Owner, Now);
                contract.Accept(product.OwnerId, Now);
                batch.Add(contract);
            }
            await InTransactionAsync(db, () => writer.InsertAsync(db, batch, default));
        }
        // Fresh statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would leave them.
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
        return (target.Id, target.Owner, [.. products.Where(p => TargetTemplates.Contains(p.Template))]);
    }

    private static Asset Register(RegisterAssetRequest request, ParticipantId registrant) =>
        Asset.Register(AssetValidation.Validate(request, new DateOnly(2026, 1, 1)).ThrowIfInvalid(), registrant, Now);

    private static async Task InTransactionAsync(RegistryDbContext db, Func<Task> write)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        await write();
        await transaction.CommitAsync();
    }
}
