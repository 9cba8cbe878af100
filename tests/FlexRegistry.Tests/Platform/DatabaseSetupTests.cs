using FlexRegistry.Persistence;
using Npgsql;

namespace FlexRegistry.Tests.Platform;

/// <summary>Npgsql's automatic preparation is on unless the operator's connection string says otherwise.</summary>
public sealed class DatabaseSetupTests
{
    [Fact]
    public void AutoPrepare_IsOnByDefault()
    {
        var cs = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare("Host=db;Username=u;Password=p;Database=r"));
        Assert.Equal(DatabaseSetup.DefaultMaxAutoPrepare, cs.MaxAutoPrepare);
        Assert.Equal("p", cs.Password);
        Assert.Equal("r", cs.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;max auto prepare=7", 7)]
    public void AutoPrepare_SetInTheConnectionString_IsKept(string connectionString, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare(connectionString)).MaxAutoPrepare);
}
