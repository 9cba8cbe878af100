using System.Diagnostics;
using FlexRegistry.Tests.Matching;

namespace FlexRegistry.Bench;

/// <summary>
/// The matching-quality benchmark (issue 22): the labelled evaluation set at a chosen size and seeds, through the register's
/// validation, exact keys, blocks and matcher, printing precision, recall, review rate and F1 per damage type and per
/// look-alike kind. Deterministic: the same seeds and sizes print the same figures on any machine, loaded or not. The
/// generator and the evaluation are the test suite's (linked from tests/FlexRegistry.Tests/Matching), which runs them at CI size.
/// </summary>
internal static class QualityBench
{
    public static int Run(Args args)
    {
        var register = args.Count("register", 100_000);
        var incoming = args.Count("incoming", 50_000);
        var seeds = (args.Get("seeds") ?? "1").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        foreach (var seed in seeds)
        {
            var clock = Stopwatch.StartNew();
            var set = LabelledAssets.Generate(seed, new LabelledAssets.Options(register, incoming));
            var outcomes = MatchingEvaluation.Run(set);
            var report = MatchingEvaluation.Report(set, outcomes);
            Console.WriteLine($"## seed {seed}: {register:N0} registered, {incoming:N0} incoming ({clock.Elapsed.TotalSeconds:F0} s)");
            Console.WriteLine();
            Console.WriteLine(report.Table);
        }
        return 0;
    }
}
