using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using FlexRegistry.Participants;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlexRegistry.Bench;

/// <summary>
/// Benchmark (directory, issue 19): typo-tolerant directory search and the public catalogue over many participants.
/// <c>directory</c> first registers and verifies one participant through the API (the template row), then copies it
/// <c>--participants</c> times straight into the participants table with generated GB-energy-style names (new IDs, the
/// register's own normalised and search names, no company number), and drives one target: <c>search</c>
/// (GET /api/v1/participants?query=NAME-WITH-A-TYPO&amp;limit=10 by a participant), <c>bare-name</c> (the bench's bare
/// minimal-API endpoint: one exact lookup by normalised name on the same table), or <c>catalogue</c>/<c>catalogue-csv</c>
/// (one streamed GET of the public catalogue, timed to the last byte).
/// </summary>
public static class DirectoryBench
{
    private static readonly string[] First = ["Octopus", "Harbour", "Quayside", "Northern", "Western", "Highland", "Severn", "Thames", "Pennine", "Solent",
        "Cotswold", "Mersey", "Humber", "Clyde", "Tyne", "Fenland", "Weald", "Chiltern", "Mendip", "Kielder"];
    private static readonly string[] Second = ["Energy", "Power", "Flex", "Solar", "Wind", "Storage", "Grid", "Heat", "Charge", "Renewables"];
    private static readonly string[] Third = ["Services", "Supply", "Trading", "Networks", "Generation", "Solutions", "Systems", "Partners", "Co-operative", "Group"];
    private static readonly string[] Suffix = ["Ltd", "Limited", "PLC", "LLP", "CIC", "Ltd."];

    /// <summary>The <paramref name="i"/>th generated name: a realistic shape, unique by its number.</summary>
    public static string Name(long i) => string.Create(CultureInfo.InvariantCulture,
        $"{First[i % First.Length]} {Second[(i / First.Length) % Second.Length]} {Third[(i / 200) % Third.Length]} {i} {Suffix[i % Suffix.Length]}");

    /// <summary>The name as someone might type it: one letter of its first word dropped or two swapped, another legal suffix, lower case.</summary>
    public static string Typo(long i)
    {
        var words = Name(i).Split(' ');
        var w = words[0];
        var at = 1 + (int)(i % (w.Length - 2));
        words[0] = i % 2 == 0 ? w.Remove(at, 1) : string.Concat(w[..at], w[at + 1].ToString(), w[at].ToString(), w[(at + 2)..]);
        words[^1] = i % 3 == 0 ? "Limited" : "ltd";
        return string.Join(' ', words).ToLowerInvariant();
    }

    public static async Task<int> RunAsync(Args args)
    {
        var provider = args.Require("provider");
        var connection = args.Require("connection");
        var count = args.Count("participants", 100_000);
        var target = args.Require("target");
        var duration = TimeSpan.FromSeconds(args.Number("duration", 15));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 5));
        var concurrency = args.Count("concurrency", 32);
        var rate = args.Get("rate") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : (double?)null;

        if (target == "load")
        {
            using var api = Registry.Http(new Uri(args.Require("url")));
            var (template, _) = await Registry.VerifiedSystemOperatorAsync(api, args.Require("operator-secret"));
            var clock = Stopwatch.StartNew();
            await (provider == "postgres" ? CopyPostgresAsync(connection, template.ParticipantId, count) : CopySqliteAsync(connection, template.ParticipantId, count));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT target=load participants={count} seconds={clock.Elapsed.TotalSeconds:F1}"));
            return 0;
        }

        HttpClient http;
        Func<long, HttpRequestMessage> request;
        var sample = args.Count("sample", count);
        if (target == "bare-name")
        {
            http = Registry.Http(new Uri(args.Require("bare-url")));
            request = i => new HttpRequestMessage(HttpMethod.Get, "bare/participants/by-name/" + Uri.EscapeDataString(OrganisationName.Normalise(Name(Spread(i, sample)))));
        }
        else
        {
            http = Registry.Http(new Uri(args.Require("url")));
            if (target is "catalogue" or "catalogue-csv")
                return await CatalogueAsync(http, target == "catalogue" ? "api/v1/catalogue" : "api/v1/catalogue/participants.csv", target);
            var (_, token) = await Registry.VerifiedSystemOperatorAsync(http, args.Require("operator-secret"));
            var bearer = Registry.Bearer(token);
            if (target != "search")
                throw new ArgumentException("--target is load, search, bare-name, catalogue or catalogue-csv");
            request = i =>
            {
                var message = new HttpRequestMessage(HttpMethod.Get, "api/v1/participants?limit=10&query=" + Uri.EscapeDataString(Typo(Spread(i, sample))));
                message.Headers.Authorization = bearer;
                return message;
            };
        }
        LoadResult result;
        if (rate is { } fixedRate)
        {
            await LoadGenerator.FixedRateAsync(http, request, fixedRate, warmup);
            result = await LoadGenerator.FixedRateAsync(http, request, fixedRate, duration, firstIndex: (long)(fixedRate * warmup.TotalSeconds) + 1);
        }
        else
        {
            result = await LoadGenerator.SaturateAsync(http, request, concurrency, duration, warmup);
        }
        Console.WriteLine($"{target} ({(rate is null ? $"closed loop, {concurrency} connections" : $"open loop at {rate} req/s")}): {result}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target={target} mode={(rate is null ? "saturate" : "rate")} rate={rate} ok_per_s={result.OkPerSecond:F0} p50_ms={result.Latencies.Percentile(50):F2} p99_ms={result.Latencies.Percentile(99):F2} errors={result.Errors}"));
        return result.Errors > result.Sent / 100 ? 2 : 0;
    }

    /// <summary>Request i asks for participant (i × a large prime) mod n, so consecutive requests hit names far apart.</summary>
    private static long Spread(long i, long n) => i * 7919 % n;

    private static async Task<int> CatalogueAsync(HttpClient http, string path, string target)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var first = clock.Elapsed.TotalMilliseconds;
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
            bytes += read;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target={target} bytes={bytes} first_byte_ms={first:F0} seconds={clock.Elapsed.TotalSeconds:F2}"));
        return 0;
    }

    /// <summary>The template's row copied <paramref name="count"/> times: new ID, name keys and version; everything else as it is.</summary>
    private static async Task CopyPostgresAsync(string connection, string templateId, int count)
    {
        await using var source = NpgsqlDataSource.Create(connection);
        await using var db = await source.OpenConnectionAsync();
        var columns = await ColumnsAsync(db, "SELECT * FROM participants LIMIT 0");
        var list = string.Join(", ", columns.Select(c => $"\"{c}\""));
        await using var tx = await db.BeginTransactionAsync();
        const int Batch = 1000;
        for (var start = 0; start < count; start += Batch)
        {
            var n = Math.Min(Batch, count - start);
            var ids = new string[n];
            var legal = new string[n];
            var normalised = new string[n];
            var search = new string[n];
            for (var k = 0; k < n; k++)
            {
                var name = Name(start + k);
                (ids[k], legal[k], normalised[k], search[k]) = (ParticipantId.New().Value, name, OrganisationName.Normalise(name), OrganisationName.SearchKey(name));
            }
            var select = string.Join(", ", columns.Select(c => c switch
            {
                "Id" => "v.id",
                "LegalName" => "v.legal",
                "NormalisedName" => "v.normalised",
                "SearchName" => "v.search",
                "CompanyNumber" or "EicCode" or "VatNumber" => "NULL",
                "Version" => "gen_random_uuid()",
                _ => $"t.\"{c}\"",
            }));
            await using var command = new NpgsqlCommand(
                $"INSERT INTO participants ({list}) SELECT {select} FROM participants t, unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(id, legal, normalised, search) WHERE t.\"Id\" = $5",
                db, tx);
            foreach (var values in new object[] { ids, legal, normalised, search, templateId })
                command.Parameters.Add(new NpgsqlParameter { Value = values });
            await command.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        await using var analyze = new NpgsqlCommand("ANALYZE participants", db);
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task CopySqliteAsync(string connection, string templateId, int count)
    {
        await using var db = new SqliteConnection(connection);
        await db.OpenAsync();
        var columns = await ColumnsAsync(db, "SELECT * FROM participants LIMIT 0");
        var list = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var select = string.Join(", ", columns.Select(c => c switch
        {
            "Id" => "$id",
            "LegalName" => "$legal",
            "NormalisedName" => "$normalised",
            "SearchName" => "$search",
            "CompanyNumber" or "EicCode" or "VatNumber" => "NULL",
            "Version" => "$version",
            _ => $"t.\"{c}\"",
        }));
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync();
        await using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"INSERT INTO participants ({list}) SELECT {select} FROM participants t WHERE t.\"Id\" = $template";
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "$id", "$legal", "$normalised", "$search", "$version", "$template" })
            p[name] = command.Parameters.Add(name, SqliteType.Text);
        p["$template"].Value = templateId;
        command.Prepare();
        for (var i = 0; i < count; i++)
        {
            var name = Name(i);
            p["$id"].Value = ParticipantId.New().Value;
            p["$legal"].Value = name;
            p["$normalised"].Value = OrganisationName.Normalise(name);
            p["$search"].Value = OrganisationName.SearchKey(name);
            p["$version"].Value = Guid.NewGuid().ToString().ToUpperInvariant();
            await command.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    private static async Task<List<string>> ColumnsAsync(DbConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
    }
}
