using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Platform;

public abstract class HealthAndReferenceTests(RegistryApp app)
{
    [Fact]
    public async Task Health_LiveAndReady_AnswerWithoutAToken()
    {
        using var anonymous = app.Anonymous();
        Assert.Equal("Healthy", await anonymous.GetStringAsync("/health/live"));
        Assert.Equal("Healthy", await anonymous.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task Reference_DnoAreas_AreTheFourteenLicenceAreas()
    {
        using var op = await app.OperatorAsync();
        var areas = await (await op.GetAsync("/api/v1/reference/dno-areas")).Read<List<DnoAreaResponse>>();
        Assert.Equal(14, areas.Count);
        Assert.Equal(Enumerable.Range(10, 14), areas.Select(a => a.DistributorId).Order());
        Assert.Equal("ABCDEFGHJKLMNP", string.Concat(areas.Select(a => a.GspGroup[1]).Order()));
        Assert.Equal("_C", areas.Single(a => a.DistributorId == 12).GspGroup);
    }
}

public sealed class HealthAndReferenceTests_Sqlite(SqliteApp app) : HealthAndReferenceTests(app), IClassFixture<SqliteApp>;

public sealed class HealthAndReferenceTests_Postgres(PostgresApp app) : HealthAndReferenceTests(app), IClassFixture<PostgresApp>;
