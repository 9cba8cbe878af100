using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FlexRegistry.Client;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlexRegistry.Bench;

/// <summary>
/// Benchmark (reads, issue 16): a market operator reading the register under the visibility rule with access logging.
/// <c>reads-load</c> registers the assets through the register's own bulk path (POST /api/v1/asset-imports) in files of
/// at most a million rows; <c>reads</c> drives one target: <c>get</c> (GET /api/v1/assets/{id}?purpose=procurement by a
/// market operator: rule, grants, purpose and a logged read), <c>bare-get</c> (the bench's bare minimal-API endpoint
/// doing the same one-row query by ID), <c>bare-lookup</c> and <c>bare-lookup-reads</c> (the lookup's floor, with and
/// without its access-log write: <see cref="BareLookup"/>), <c>search</c> (area + type, 100 rows, logged), <c>export</c> (streamed
/// NDJSON exports of every asset, logged: a cold one, untimed warm-ups, then timed rounds; with <c>raw-read</c>, the same
/// rows read forward-only straight from the database as its ceiling, and <c>raw-export</c>, its floor, timed the same way).
/// </summary>
public static class ReadsBench
{
    private static readonly string[] Types = ["ev-chargepoint", "heat-pump", "solar-pv", "battery-storage"];

    public static async Task<int> LoadAsync(Args args)
    {
        var url = new Uri(args.Require("url"));
        using var http = Registry.Http(url);
        var credentials = await Registry.RegisterParticipantAsync(http);
        var client = FlexRegistryClient.Create(url, credentials.ClientId, credentials.ClientSecret!);
        foreach (var file in args.Require("files").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (status, seconds) = await ImportBench.RunImportAsync(client, file);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loaded {file}: {status.Status}, {status.Registered} registered of {status.RowsProcessed} in {seconds:F1}s ({status.RowsProcessed / seconds:F0} rows/s)"));
            if (status.Status != "completed")
                return 2;
        }
        return 0;
    }

    public static async Task<int> RunAsync(Args args)
    {
        var target = args.Require("target");
        var duration = TimeSpan.FromSeconds(args.Number("duration", 15));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 5));
        var concurrency = args.Count("concurrency", 32);
        var rate = args.Get("rate") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : (double?)null;
        var ids = await SampleIdsAsync(args.Require("provider"), args.Require("connection"), args.Count("ids", 100_000));
        // The process doing the work whose CPU a round reports: the service for the export (--app-pid), this one for the raw targets.
        var worker = target is "raw-read" or "raw-export" ? Environment.ProcessId : args.Get("app-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : (int?)null;
        var rounds = new Rounds(args.Count("export-warmup", 3), args.Count("export-rounds", 3), worker);
        if (target == "raw-read")
            return await RawReadAsync(args.Require("provider"), args.Require("connection"), rounds);
        if (target == "raw-export")
            return await RawExportAsync(args.Require("connection"), rounds);

        HttpClient http;
        Func<long, HttpRequestMessage> request;
        if (target is "bare-get" or "bare-lookup" or "bare-lookup-reads")
        {
            http = Registry.Http(new Uri(args.Require("bare-url")));
            var path = target switch
            {
                "bare-get" => "bare/assets/by-id/",
                "bare-lookup" => "bare/lookup/",
                _ => "bare/lookup-reads/",
            };
            request = i => new HttpRequestMessage(HttpMethod.Get, path + ids[i % ids.Length]);
        }
        else
        {
            http = Registry.Http(new Uri(args.Require("url")));
            var bearer = Registry.Bearer((await Registry.VerifiedSystemOperatorAsync(http, args.Require("operator-secret"))).Token);
            if (target == "export")
                return await ExportAsync(http, bearer, rounds);
            request = target switch
            {
                "get" => i => Get($"api/v1/assets/{ids[i % ids.Length]}?purpose=procurement", bearer),
                // Area + type, 100 rows: the 14 DNO areas × 4 types in turn.
                "search" => i => Get($"api/v1/assets?purpose=procurement&dnoArea={10 + (i % 14)}&type={Types[(i / 14) % Types.Length]}&limit=100", bearer),
                _ => throw new ArgumentException("--target is get, bare-get, bare-lookup, bare-lookup-reads, search, export, raw-read or raw-export"),
            };
        }
        var result = rate is { } fixedRate
            ? await FixedAsync(http, request, fixedRate, duration, warmup)
            : await LoadGenerator.SaturateAsync(http, request, concurrency, duration, warmup);
        Console.WriteLine($"{target} ({(rate is null ? $"closed loop, {concurrency} connections" : $"open loop at {rate} req/s")}): {result}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target={target} mode={(rate is null ? "saturate" : "rate")} rate={rate} ok_per_s={result.OkPerSecond:F0} p50_ms={result.Latencies.Percentile(50):F2} p99_ms={result.Latencies.Percentile(99):F2} errors={result.Errors}"));
        return result.Errors > result.Sent / 100 ? 2 : 0;
    }

    private static async Task<LoadResult> FixedAsync(HttpClient http, Func<long, HttpRequestMessage> request, double rate, TimeSpan duration, TimeSpan warmup)
    {
        await LoadGenerator.FixedRateAsync(http, request, rate, warmup);
        return await LoadGenerator.FixedRateAsync(http, request, rate, duration, firstIndex: (long)(rate * warmup.TotalSeconds) + 1);
    }

    private static HttpRequestMessage Get(string path, System.Net.Http.Headers.AuthenticationHeaderValue bearer)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, path);
        message.Headers.Authorization = bearer;
        return message;
    }

    /// <summary>
    /// How the one-shot targets (export, raw-read, raw-export) are timed. The first round is the cold one (the first after
    /// the process started: tiered JIT still compiling the path, the database's cache cold) and is reported as such;
    /// then <see cref="Warmup"/> untimed rounds; then <see cref="Timed"/> timed rounds, reported one by one and as their
    /// median (the steady state: a register runs for weeks, its export path long compiled). With <see cref="AppPid"/> (the
    /// process doing the work, on this machine: the service, or the bench itself for the raw targets) each round also
    /// reports the CPU seconds it spent (<c>app_cpu_s</c>): on a shared machine that separates two builds where wall-clock
    /// rates follow the machine's load.
    /// </summary>
    private sealed record Rounds(int Warmup, int Timed, int? AppPid)
    {
        public async Task<int> RunAsync(string target, Func<Task<(long Rows, long Bytes)>> round)
        {
            var (cold, coldRows, coldBytes, coldCpu) = await TimeAsync(round);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT target={target}-cold rows={coldRows} bytes={coldBytes} seconds={cold:F2} rows_per_s={coldRows / cold:F0}{Cpu(coldCpu)}"));
            for (var i = 1; i <= Warmup; i++)
            {
                var (seconds, rows, _, cpu) = await TimeAsync(round);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target} warm-up {i}/{Warmup} (not counted): {rows / seconds:F0} rows/s{Cpu(cpu)}"));
            }
            var rates = new List<double>();
            var cpus = new List<double>();
            long lastRows = 0, lastBytes = 0;
            for (var i = 1; i <= Math.Max(1, Timed); i++)
            {
                var (seconds, rows, bytes, cpu) = await TimeAsync(round);
                rates.Add(rows / seconds);
                if (cpu is { } c)
                    cpus.Add(c);
                (lastRows, lastBytes) = (rows, bytes);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target} round {i}: {rows} rows in {seconds:F2}s, {rows / seconds:F0} rows/s{Cpu(cpu)}"));
            }
            rates.Sort();
            cpus.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT target={target} rows={lastRows} bytes={lastBytes} warmup_rounds={Warmup} rounds={rates.Count} rows_per_s={rates[rates.Count / 2]:F0} min={rates[0]:F0} max={rates[^1]:F0}{Cpu(cpus.Count > 0 ? cpus[cpus.Count / 2] : null)}"));
            return 0;
        }

        private static string Cpu(double? seconds) => seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $" app_cpu_s={s:F2}") : "";

        private async Task<(double Seconds, long Rows, long Bytes, double? AppCpu)> TimeAsync(Func<Task<(long Rows, long Bytes)>> round)
        {
            var cpu = AppCpuSeconds();
            var clock = Stopwatch.StartNew();
            var (rows, bytes) = await round();
            var seconds = clock.Elapsed.TotalSeconds;
            return (seconds, rows, bytes, AppCpuSeconds() - cpu);
        }

        /// <summary>utime + stime of the service's process (every thread), from /proc; null without a PID or off Linux.</summary>
        private double? AppCpuSeconds()
        {
            if (AppPid is not { } pid || !File.Exists($"/proc/{pid}/stat"))
                return null;
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces, so parse from its closing parenthesis): utime is field 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
    }

    /// <summary>Exports of every asset (<see cref="Rounds"/>), each streamed and counted line by line as it arrives.</summary>
    private static Task<int> ExportAsync(HttpClient http, System.Net.Http.Headers.AuthenticationHeaderValue bearer, Rounds rounds) =>
        rounds.RunAsync("export", async () =>
        {
            using var response = await http.SendAsync(Get("api/v1/assets/export?purpose=procurement&format=ndjson", bearer), HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 16];
            long rows = 0, bytes = 0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                bytes += read;
                rows += buffer.AsSpan(0, read).Count((byte)'\n');
            }
            return (rows, bytes);
        });

    /// <summary>The ceiling of an export on this database: the same rows, in the same order, read forward-only and not even parsed.</summary>
    private static async Task<int> RawReadAsync(string provider, string connection, Rounds rounds)
    {
        const string Sql = "SELECT * FROM assets ORDER BY \"Id\"";
        if (provider == "postgres")
        {
            await using var source = NpgsqlDataSource.Create(connection);
            return await rounds.RunAsync("raw-read", async () =>
            {
                long rows = 0;
                await using var command = source.CreateCommand(Sql);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    rows++;
                return (rows, 0L);
            });
        }
        return await rounds.RunAsync("raw-read", async () =>
        {
            long rows = 0;
            await using var db = new SqliteConnection(connection);
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = Sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows++;
            return (rows, 0L);
        });
    }

    /// <summary>The columns the service's export reads (its projection, AssetExportRow), in its order.</summary>
    private static readonly string[] ExportColumns =
    [
        "Id", "Type", "Status", "DataStatus", "MergedInto", "Mpan", "ExportMpan", "Manufacturer", "Model", "SerialNumber", "AddressLine1",
        "Town", "Postcode", "PostcodeDistrict", "Latitude", "Longitude", "DnoDistributorId", "GspGroup", "ImportCapacityKw", "ExportCapacityKw",
        "StorageCapacityKwh", "ConnectionVoltageKv", "CommissioningDate", "ConsentReference", "ConsentMethod", "ConsentDate", "MarketQualifications",
        "RegistrantId", "Parties", "IdentityDeclaredBy", "IdentityConfirmedBy", "IdentityConfirmedAt", "TechnicalDeclaredBy", "TechnicalConfirmedBy",
        "TechnicalConfirmedAt", "LocationDeclaredBy", "LocationConfirmedBy", "LocationConfirmedAt", "ConsentDeclaredBy", "ConsentConfirmedBy",
        "ConsentConfirmedAt", "ConfirmationNote", "RegisteredAt", "UpdatedAt", "VersionNumber",
    ];

    /// <summary>
    /// The floor of an export on PostgreSQL (no service, no HTTP): the same rows in the same order, the columns the export
    /// reads (<see cref="ExportColumns"/>) written as one JSON line the way the service's export writes its rows (Utf8JsonWriter straight into a buffer, typed
    /// values, no string per row; the buffer goes to a null stream), each chunk of 5,000 logged as a logged export must
    /// before it goes out (one access-log entry and its 5,000 records, by binary COPY, committed, into empty copies of the
    /// access-log tables), the log of one chunk committing while the next is read, as the service does. Its rows/s is the
    /// most an export that logs every row can reach here.
    /// </summary>
    private static async Task<int> RawExportAsync(string connection, Rounds rounds)
    {
        await using var source = NpgsqlDataSource.Create(connection);
        await using (var setup = source.CreateCommand(
            "CREATE TABLE IF NOT EXISTS bench_access_log_entries (LIKE access_log_entries INCLUDING ALL); " +
            "CREATE TABLE IF NOT EXISTS bench_access_log_records (LIKE access_log_records INCLUDING ALL)"))
            await setup.ExecuteNonQueryAsync();
        await using var log = await source.OpenConnectionAsync();
        return await rounds.RunAsync("raw-export", () => RawExportRoundAsync(source, log));
    }

    private static async Task<(long Rows, long Bytes)> RawExportRoundAsync(NpgsqlDataSource source, NpgsqlConnection log)
    {
        const int Chunk = 5000;
        long rows = 0, bytes = 0;
        var chunk = new List<string>(Chunk);
        Task? logging = null;
        // Written as the service's export writes (AssetExportFormat): a reused Utf8JsonWriter without validation, names
        // encoded once, typed getters (no boxing), rows into one buffer handed on 64 KiB at a time (here to a null stream).
        var buffer = new ArrayBufferWriter<byte>(128 * 1024);
        await using var output = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        await using (var read = await source.OpenConnectionAsync())
        {
            await using var command = new NpgsqlCommand($"SELECT {string.Join(", ", ExportColumns.Select(c => $"\"{c}\""))} FROM assets ORDER BY \"Id\"", read);
            await using var reader = await command.ExecuteReaderAsync();
            var names = Enumerable.Range(0, reader.FieldCount).Select(i => JsonEncodedText.Encode(reader.GetName(i))).ToArray();
            var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType).ToArray();
            while (await reader.ReadAsync())
            {
                output.Reset(buffer);
                output.WriteStartObject();
                for (var i = 0; i < names.Length; i++)
                {
                    output.WritePropertyName(names[i]);
                    if (reader.IsDBNull(i))
                        output.WriteNullValue();
                    else if (types[i] == typeof(string))
                        output.WriteStringValue(reader.GetString(i));
                    else if (types[i] == typeof(int))
                        output.WriteNumberValue(reader.GetInt32(i));
                    else if (types[i] == typeof(long))
                        output.WriteNumberValue(reader.GetInt64(i));
                    else if (types[i] == typeof(double))
                        output.WriteNumberValue(reader.GetDouble(i));
                    else if (types[i] == typeof(decimal))
                        output.WriteNumberValue(reader.GetDecimal(i));
                    else if (types[i] == typeof(bool))
                        output.WriteBooleanValue(reader.GetBoolean(i));
                    else if (types[i] == typeof(DateTime))
                        output.WriteStringValue(reader.GetDateTime(i));
                    else if (types[i] == typeof(Guid))
                        output.WriteStringValue(reader.GetGuid(i));
                    else if (types[i] == typeof(string[]))
                    {
                        output.WriteStartArray();
                        foreach (var item in reader.GetFieldValue<string[]>(i))
                            output.WriteStringValue(item);
                        output.WriteEndArray();
                    }
                    else
                        JsonSerializer.Serialize(output, reader.GetValue(i));
                }
                output.WriteEndObject();
                output.Flush();
                buffer.GetSpan(1)[0] = (byte)'\n';
                buffer.Advance(1);
                if (buffer.WrittenCount >= 64 * 1024)
                {
                    bytes += buffer.WrittenCount;
                    await Stream.Null.WriteAsync(buffer.WrittenMemory);
                    buffer.ResetWrittenCount();
                }
                chunk.Add(reader.GetString(0));
                rows++;
                if (chunk.Count == Chunk)
                {
                    // The chunk's log commits while the next chunk is read, as the service's export does.
                    if (logging is not null)
                        await logging;
                    logging = LogChunkAsync(log, chunk);
                    chunk = new List<string>(Chunk);
                }
            }
        }
        if (logging is not null)
            await logging;
        if (chunk.Count > 0)
            await LogChunkAsync(log, chunk);
        return (rows, bytes + buffer.WrittenCount);

        static async Task LogChunkAsync(NpgsqlConnection connection, List<string> ids)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var entry = new NpgsqlCommand(
                "INSERT INTO bench_access_log_entries (\"At\", \"ReaderId\", \"ReaderActor\", \"Purpose\", \"Action\", \"Resource\", \"FieldGroups\", \"Records\", \"Digest\") " +
                "VALUES (now(), 'FRP-BENCHREADER00', 'client:bench', 'procurement', 'asset.export', 'asset', 'identity,technical,coarse-location', $1, '') RETURNING \"Id\"", connection, transaction);
            entry.Parameters.Add(new NpgsqlParameter { Value = ids.Count });
            var entryId = (long)(await entry.ExecuteScalarAsync())!;
            await using (var copy = await connection.BeginBinaryImportAsync("COPY bench_access_log_records (\"AssetId\", \"EntryId\", \"Groups\") FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var id in ids)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(id);
                    await copy.WriteAsync(entryId);
                    await copy.WriteAsync(7);
                }
                await copy.CompleteAsync();
            }
            await transaction.CommitAsync();
        }
    }

    /// <summary>Asset IDs to read, sampled from the database at random (reads spread over the whole table, as a real operator's would).</summary>
    public static async Task<string[]> SampleIdsAsync(string provider, string connection, int count)
    {
        var ids = new List<string>(count);
        var sql = $"SELECT \"Id\" FROM assets ORDER BY random() LIMIT {count}";
        if (provider == "postgres")
        {
            await using var source = NpgsqlDataSource.Create(connection);
            await using var command = source.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                ids.Add(reader.GetString(0));
        }
        else
        {
            await using var db = new SqliteConnection(connection);
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                ids.Add(reader.GetString(0));
        }
        return ids.Count > 0 ? [.. ids] : throw new InvalidOperationException("No assets to read: load them first (reads-load).");
    }
}
