namespace FlexRegistry.Cli;

/// <summary>The <c>flexreg</c> executable.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => Flexreg.InvokeAsync(args, CliContext.FromProcess());
}
