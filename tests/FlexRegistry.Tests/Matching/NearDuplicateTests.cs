using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Matching;

/// <summary>
/// BUC.2 step 4a over HTTP, on both databases: a second FSP registers an asset already registered by the first, damaged in
/// each of the ways the labelled evaluation set damages it — and distinct look-alikes that must not be flagged. Each case is
/// one realistic pair, so a reviewer can read what the matcher must do with it.
/// </summary>
public abstract class NearDuplicateTests(RegistryApp app)
{
    private static int _serial = Random.Shared.Next(1_000, 9_000);

    /// <summary>An 8-digit myenergi-style serial that no other test uses (other tests use "SN-…").</summary>
    private static string Serial() =>
        "ZP" + ((Interlocked.Increment(ref _serial) * 7_919L) % 100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    private static RegisterAssetRequest Original() => TestData.Chargepoint(serial: Serial()) with
    {
        Address = new AssetAddressDto { Line1 = "Flat 2, Kingsley House, 10 Mill Road", Town = "Cambridge", Postcode = TestData.Postcode() },
    };

    /// <summary>Two adjacent characters swapped, from <paramref name="at"/> on where they differ (swapping equal ones changes nothing).</summary>
    private static string Swap(string s, int at)
    {
        while (s[at] == s[at + 1])
            at = (at + 1) % (s.Length - 1);
        return s[..at] + s[at + 1] + s[at] + s[(at + 2)..];
    }

    /// <summary>Another meter point, not one digit away from the test's others (TestData's MPANs are consecutive).</summary>
    private static string OtherMpan() =>
        FlexRegistry.Shared.Mpan.WithCheckDigit("12" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture));

    private static string Replace(string s, int at, char c) => s[..at] + c + s[(at + 1)..];

    /// <summary>The near duplicates: the damage, how the second FSP wrote the asset, and what the register must answer (level of the telling field).</summary>
    public static TheoryData<string> Damages => [.. NearCases.Keys];

    private static readonly Dictionary<string, (Func<RegisterAssetRequest, RegisterAssetRequest> Damage, bool Definite, string Field, string Level)> NearCases = new()
    {
        ["serial-typo"] = (o => o with { SerialNumber = Replace(o.SerialNumber!, 4, o.SerialNumber![4] == '9' ? '8' : (char)(o.SerialNumber[4] + 1)) }, false, "serialNumber", "one-edit"),
        ["serial-transposition"] = (o => o with { SerialNumber = Swap(o.SerialNumber!, 3) }, false, "serialNumber", "transposition"),
        ["serial-leading-zeros-and-look-alike-characters"] = (o => o with { SerialNumber = o.SerialNumber!.Replace('0', 'O').Replace('1', 'I') }, true, "serialNumber", "equivalent"),
        ["serial-prefix-left-off"] = (o => o with { SerialNumber = o.SerialNumber![2..] }, true, "serialNumber", "equivalent"),
        ["manufacturer-alias-at-another-meter-point"] = (o => o with { Manufacturer = "MyEnergi Limited", Mpan = OtherMpan() }, true, "makeAndModel", "same-make-and-model"),
        ["street-abbreviation"] = (o => o with { SerialNumber = Swap(o.SerialNumber!, 5), Address = o.Address! with { Line1 = "FLAT 2 KINGSLEY HO 10 MILL RD" } }, false, "premises", "meter-and-address"),
        ["flat-form"] = (o => o with { SerialNumber = Swap(o.SerialNumber!, 5), Address = o.Address! with { Line1 = "2/10 Mill Road" } }, false, "premises", "meter-and-address"),
        ["capacity-rounded"] = (o => o with { SerialNumber = Swap(o.SerialNumber!, 6), ImportCapacityKw = 7m }, false, "capacity", "rounded"),
        ["mpan-other-meter"] = (o => o with { SerialNumber = Swap(o.SerialNumber!, 4), Mpan = OtherMpan() }, false, "premises", "address"),
        ["mpan-typo"] = (o => o with { SerialNumber = Swap(o.SerialNumber!, 4), Mpan = FlexRegistry.Shared.Mpan.WithCheckDigit(Swap(o.Mpan![..12], 7)) }, false, "premises", "address-meter-typo"),
        ["moved-supply-and-postcode-typo"] = (o => o with
        {
            SerialNumber = Swap(o.SerialNumber!, 3),
            Mpan = OtherMpan(),
            Address = o.Address! with { Postcode = o.Address.Postcode![..^1] + (o.Address.Postcode[^1] == 'Z' ? 'Y' : 'Z') },
        }, false, "premises", "address"),
        ["postcode-typo-same-mpan"] = (o => o with { SerialNumber = Swap(o.SerialNumber!, 6), Address = o.Address! with { Postcode = o.Address.Postcode![..^1] + (o.Address.Postcode[^1] == 'Z' ? 'Y' : 'Z') } }, false, "premises", "meter-and-address"),
        ["model-variant"] = (o => o with { SerialNumber = Swap(o.SerialNumber!, 4), Model = "Zappi 2" }, false, "makeAndModel", "same-make-similar-model"),
        ["date-shift"] = (o => o with { SerialNumber = Swap(o.SerialNumber!, 4), CommissioningDate = o.CommissioningDate!.Value.AddDays(9) }, false, "commissioningDate", "within-45-days"),
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task BUC2_Step4a_NearDuplicate_IsFound_NamingTheOriginal(string damage)
    {
        var (_, a) = await app.RegisterAsync();
        var (_, b) = await app.RegisterAsync();
        using (a)
        using (b)
        {
            var original = Original();
            var existing = await (await a.PostAsJsonAsync("/api/v1/assets", original)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            var (make, definite, field, level) = NearCases[damage];
            using var response = await b.PostAsJsonAsync("/api/v1/assets", make(original));
            if (definite)
            {
                // Beyond doubt: answered like an exact duplicate, naming the existing asset; nothing stored for B.
                var problem = await response.ReadProblem(HttpStatusCode.Conflict, "asset.duplicate");
                Assert.Equal(existing.AssetId, problem.ExistingAssetId);
                var mine = await (await b.GetAsync("/api/v1/assets")).Read<Page<AssetSummary>>();
                Assert.Empty(mine.Items);
                return;
            }
            var flagged = await response.Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.True(flagged.DuplicateCaseId is not null, $"{damage}: no case opened");
            var duplicateCase = await (await b.GetAsync($"/api/v1/duplicate-cases/{flagged.DuplicateCaseId}")).Read<DuplicateCaseResponse>();
            Assert.Equal((flagged.AssetId, existing.AssetId), (duplicateCase.SubjectId, duplicateCase.CandidateId));
            Assert.Contains(duplicateCase.Comparisons, e => e.Field == field && e.Level == level);
            Assert.Equal(duplicateCase.MatchWeight!.Value, duplicateCase.Comparisons.Sum(e => e.Weight), 1);
            Assert.InRange(duplicateCase.Score, 0.5, 1);
        }
    }

    public static TheoryData<string> LookAlikes => [.. LookAlikeCases.Keys];

    private static readonly Dictionary<string, Func<RegisterAssetRequest, RegisterAssetRequest>> LookAlikeCases = new()
    {
        // Two chargepoints on one drive: same meter point, address, model, size and day; each its own serial.
        ["second-chargepoint-same-drive"] = o => o with { SerialNumber = Serial() },
        ["replaced-unit"] = o => o with { SerialNumber = Serial(), Model = "zappi 22kW", ImportCapacityKw = 22m, CommissioningDate = new DateOnly(2025, 9, 1) },
        ["other-flat-same-building-next-serial"] = o => o with
        {
            SerialNumber = o.SerialNumber![..^1] + (o.SerialNumber[^1] == '9' ? '8' : (char)(o.SerialNumber[^1] + 1)),
            Mpan = OtherMpan(),
            Address = o.Address! with { Line1 = "Flat 3, Kingsley House, 10 Mill Road" },
        },
        ["neighbour-same-street-next-serial"] = o => o with
        {
            SerialNumber = o.SerialNumber![..^1] + (o.SerialNumber[^1] == '0' ? '1' : (char)(o.SerialNumber[^1] - 1)),
            Mpan = OtherMpan(),
            Address = o.Address! with { Line1 = "12 Mill Road" },
        },
        ["same-model-serial-series-elsewhere"] = o => o with
        {
            SerialNumber = o.SerialNumber![..^2] + (o.SerialNumber[^2] == '9' ? '7' : (char)(o.SerialNumber[^2] + 1)) + o.SerialNumber[^1],
            Mpan = OtherMpan(),
            Address = new AssetAddressDto { Line1 = "4 Church Street", Town = "Ely", Postcode = TestData.Postcode() },
        },
        ["battery-beside-the-chargepoint"] = o => o with
        {
            Type = "battery-storage",
            Manufacturer = "Tesla",
            Model = "Powerwall 3",
            SerialNumber = "TG1" + Serial()[2..],
            ImportCapacityKw = 5m,
            ExportCapacityKw = 5m,
            StorageCapacityKwh = 13.5m,
        },
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public async Task BUC2_Step4a_LegitimateLookAlike_IsRegistered_AndNotFlagged(string kind)
    {
        var (_, a) = await app.RegisterAsync();
        var (_, b) = await app.RegisterAsync();
        using (a)
        using (b)
        {
            var original = Original();
            await (await a.PostAsJsonAsync("/api/v1/assets", original)).ShouldHave(HttpStatusCode.Created);
            var lookAlike = await (await b.PostAsJsonAsync("/api/v1/assets", LookAlikeCases[kind](original))).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.Null(lookAlike.DuplicateCaseId);
            var cases = await (await b.GetAsync("/api/v1/duplicate-cases?kind=asset")).Read<Page<DuplicateCaseResponse>>();
            Assert.Empty(cases.Items);
        }
    }
}

public sealed class NearDuplicateTests_Sqlite(SqliteApp app) : NearDuplicateTests(app), IClassFixture<SqliteApp>;

public sealed class NearDuplicateTests_Postgres(PostgresApp app) : NearDuplicateTests(app), IClassFixture<PostgresApp>;
