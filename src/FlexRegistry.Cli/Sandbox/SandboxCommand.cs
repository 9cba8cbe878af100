using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;

namespace FlexRegistry.Cli.Sandbox;

/// <summary><c>flexreg sandbox generate</c>: synthetic GB asset files with known duplicates, for sandboxes and benchmarks.</summary>
public static class SandboxCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var assets = new Option<long>("--assets") { Description = "Rows to write (including the injected duplicates)", Required = true };
        var duplicates = new Option<double>("--duplicates") { Description = "Share of rows that are exact duplicates of an earlier asset", DefaultValueFactory = _ => 0.1 };
        var near = new Option<double>("--near-duplicates") { Description = "Share of rows that are near duplicates (a possible-duplicate case)", DefaultValueFactory = _ => 0.01 };
        var seed = new Option<int>("--seed") { Description = "Same seed, same file", DefaultValueFactory = _ => 42 };
        var format = new Option<string?>("--format") { Description = "csv or ndjson (default: ndjson for a .ndjson or .jsonl --out, else csv)" };
        format.AcceptOnlyFromAmong("csv", "ndjson");
        var start = new Option<long>("--start-index")
        {
            Description = "Index of the first new asset: N makes this file a follow-up of an N-row file generated with the same seed (whose assets it may duplicate)",
            DefaultValueFactory = _ => 0,
        };
        var output = new Option<string>("--out") { Description = "The file to write; the manifest goes to FILE.manifest.csv", Required = true };

        var generate = new Command("generate", "Write realistic synthetic GB assets (valid MPANs, postcodes per DNO area, taxonomy types and capacities) with known injected duplicates")
        {
            assets, duplicates, near, seed, format, start, output,
        };
        generate.SetAction(async (parsed, ct) =>
        {
            var path = parsed.GetValue(output)!;
            var chosen = parsed.GetValue(format)
                         ?? (Path.GetExtension(path).ToLowerInvariant() is ".ndjson" or ".jsonl" ? "ndjson" : "csv");
            var options = new GenerateOptions(parsed.GetValue(assets), path, parsed.GetValue(duplicates), parsed.GetValue(near),
                parsed.GetValue(seed), chosen, parsed.GetValue(start));
            var clock = Stopwatch.StartNew();
            var summary = await GenerateAssets.RunAsync(options, null, ct);
            context.Console.MarkupLineInterpolated(
                $"Wrote [bold]{summary.Rows:N0}[/] rows to {options.Out} in {clock.Elapsed.TotalSeconds:F1} s: {summary.Unique:N0} new assets, {summary.Duplicates:N0} exact duplicates, {summary.NearDuplicates:N0} near duplicates (manifest {summary.ManifestPath}).");
            return Flexreg.Ok;
        });
        var sandbox = new Command("sandbox", "Sandbox and benchmark data");
        sandbox.Subcommands.Add(generate);
        return sandbox;
    }
}
