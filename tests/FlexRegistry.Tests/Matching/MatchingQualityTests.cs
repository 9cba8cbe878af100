namespace FlexRegistry.Tests.Matching;

/// <summary>
/// The quality benchmark at CI size (issue 22): the labelled evaluation set (<see cref="LabelledAssets"/>, two seeds) run
/// through the register's own validation, keys, blocks and matcher (<see cref="MatchingEvaluation"/>), against the goals.
/// A change that lowers quality below a goal fails here. The table is printed to the test output; the same run at a larger
/// size is <c>bench/matching-quality.sh</c>, recorded in docs/benchmarks.md. Deterministic: machine load does not matter.
/// </summary>
public sealed class MatchingQualityTests
{
    [Theory]
    [InlineData(22)]
    [InlineData(2026)]
    public void BUC2_Step4a_QualityBenchmark_MeetsTheGoals_OnTheLabelledSet(int seed)
    {
        var set = LabelledAssets.Generate(seed, new LabelledAssets.Options(RegisterSize: 6000, IncomingSize: 3000));
        var report = MatchingEvaluation.Report(set, MatchingEvaluation.Run(set));
        TestContext.Current.TestOutputHelper?.WriteLine(report.Table);

        Assert.True(report.NearDuplicates >= 500, "the set holds enough near duplicates to measure");
        Assert.True(report.NearRecall >= 0.98, $"near-duplicate recall {report.NearRecall:F4} < 0.98\n{report.Table}");
        Assert.True(report.NearRecallWithoutSharedMpan >= 0.98, $"recall without a shared MPAN {report.NearRecallWithoutSharedMpan:F4} < 0.98\n{report.Table}");
        Assert.Equal(1.0, report.ExactRecall);
        Assert.True(report.ReviewPrecision >= 0.95, $"review precision {report.ReviewPrecision:F4} < 0.95\n{report.Table}");
        // At this size 0.999 cannot be shown (the bench run can); no definite match may be wrong here.
        Assert.True(report.DefiniteDecisions >= 100, "the set exercises the definite band");
        Assert.Equal(1.0, report.DefinitePrecision);
        Assert.True(report.LookAlikeFlagRate <= 0.005, $"look-alike false flags {report.LookAlikeFlagRate:F4} > 0.005\n{report.Table}");
        Assert.Equal(0.0, report.NewRowFlagRate);
    }

    [Fact]
    public void LabelledSet_IsDeterministic_AndEveryRowPassesTheRules()
    {
        var a = LabelledAssets.Generate(7, new LabelledAssets.Options(500, 250));
        var b = LabelledAssets.Generate(7, new LabelledAssets.Options(500, 250));
        Assert.Equal(a.Register, b.Register);
        Assert.Equal(a.Incoming.Select(r => (r.Request, r.Label, r.Counterpart, r.Kind)), b.Incoming.Select(r => (r.Request, r.Label, r.Counterpart, r.Kind)));
        // Run validates every row and throws on an invalid one or on two register rows sharing a key.
        Assert.Equal(250, MatchingEvaluation.Run(a).Count);
        Assert.Contains(a.Incoming, r => r.Label == RowLabel.Near);
        Assert.Contains(a.Incoming, r => r.Label == RowLabel.LookAlike);
    }
}
