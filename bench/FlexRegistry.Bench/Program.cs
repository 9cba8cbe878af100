namespace FlexRegistry.Bench;

/// <summary>flexreg-bench: the load generator, baselines and measurements behind docs/benchmarks.md (driven by bench/*.sh).</summary>
internal static class BenchMain
{
    private static async Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "bare-host" => await BareHost.RunAsync(Args.Parse(args[1..])),
        "load" => await LoadCommand.RunAsync(Args.Parse(args[1..])),
        "webhooks" => await WebhookBench.RunAsync(Args.Parse(args[1..])),
        "copy-baseline" => await ImportBench.CopyBaselineAsync(Args.Parse(args[1..])),
        "import" => await ImportBench.ImportAsync(Args.Parse(args[1..])),
        "conflicts" => await ConflictBench.RunAsync(Args.Parse(args[1..])),
        "quality" => QualityBench.Run(Args.Parse(args[1..])),
        "reads-load" => await ReadsBench.LoadAsync(Args.Parse(args[1..])),
        "reads" => await ReadsBench.RunAsync(Args.Parse(args[1..])),
        "lifecycle-load" => await LifecycleBench.LoadAsync(Args.Parse(args[1..])),
        "lifecycle" => await LifecycleBench.RunAsync(Args.Parse(args[1..])),
        "inclusion" => await InclusionBench.RunAsync(Args.Parse(args[1..])),
        "pages" => await PagesBench.RunAsync(Args.Parse(args[1..])),
        "directory" => await DirectoryBench.RunAsync(Args.Parse(args[1..])),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: flexreg-bench COMMAND [--name value ...]
              bare-host     --provider postgres|sqlite --connection CS --urls URL      bare minimal-API endpoint (one indexed query)
              load          --url URL --target post-asset|bare|bare-write|bare-register [--rate R] --duration S --concurrency C [--start-index I] [--steady-max S]
              webhooks      --url URL --receiver-port P --events N --rate R --duration S [--import-rows N] [--post-rate R]
              copy-baseline --provider postgres|sqlite --connection CS --existing FILE --new FILE
              import        --url URL [--client-id ID --client-secret S] --existing FILE --new FILE
              conflicts     --provider postgres|sqlite --connection CS [--assets N] [--portfolio-size K] [--target-size T] [--products P] [--runs R]
              quality       [--register N] [--incoming N] [--seeds S1,S2]                 matching quality on the labelled set
              reads-load    --url URL --files FILE[,FILE...]                          register assets through POST /api/v1/asset-imports
              reads         --target get|bare-get|search|export|raw-read --provider P --connection CS --url URL --operator-secret S
                            [--bare-url URL] [--rate R] --duration S --concurrency C   market-operator reads (issue 16)
              lifecycle-load --url URL --state FILE [--assets N] [--versions V]   register N assets and one with V versions (issue 17)
              lifecycle     --target patch|bare-update|bare-change|history|as-of --state FILE --url URL [--bare-url URL] [--rate R] --duration S --concurrency C
                                                                               PATCH vs a bare single-row UPDATE; history and as-of reads of the V-version asset
              pages         --provider P --connection CS --url URL --bare-url URL --operator-secret S [--duration S] [--concurrency C]
                                                                               server time per web page for a signed-in person vs a bare static page
              directory     --target load|search|bare-name|catalogue|catalogue-csv --provider P --connection CS --url URL --operator-secret S
                            [--participants N] [--bare-url URL] [--rate R] --duration S --concurrency C   directory search and catalogue (issue 19)
              inclusion     --provider postgres|sqlite --connection CS --since ISO-TIME       commit -> signed tree head, from the register's tables
            """);
        return 1;
    }
}
