using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlexRegistry.Bench;

/// <summary>
/// The raw baseline for the single-asset endpoint: a bare minimal-API endpoint, no authentication, no validation,
/// that answers with one indexed query (assets by MPAN) on the same database the register uses. Exists only in the
/// bench, never in the product.
/// </summary>
public static class BareHost
{
    public static async Task<int> RunAsync(Args args)
    {
        var provider = args.Require("provider");
        var connection = args.Require("connection");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(args.Get("urls") ?? "http://127.0.0.1:5091");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        if (provider == "postgres")
        {
            await using var source = NpgsqlDataSource.Create(connection);
            app.MapGet("/bare/assets/{mpan}", async (string mpan, CancellationToken ct) =>
            {
                await using var command = source.CreateCommand("SELECT \"Id\" FROM assets WHERE \"Mpan\" = $1 LIMIT 1");
                command.Parameters.Add(new NpgsqlParameter { Value = mpan });
                var id = await command.ExecuteScalarAsync(ct);
                return Results.Ok(new { mpan, assetId = id as string });
            });
            await app.RunAsync();
        }
        else
        {
            app.MapGet("/bare/assets/{mpan}", async (string mpan, CancellationToken ct) =>
            {
                await using var db = new SqliteConnection(connection);
                await db.OpenAsync(ct);
                await using var command = db.CreateCommand();
                command.CommandText = "SELECT \"Id\" FROM assets WHERE \"Mpan\" = $mpan LIMIT 1";
                command.Parameters.AddWithValue("$mpan", mpan);
                var id = await command.ExecuteScalarAsync(ct);
                return Results.Ok(new { mpan, assetId = id as string });
            });
            await app.RunAsync();
        }
        return 0;
    }
}
