using FlexRegistry.Cli;
using Spectre.Console;

namespace FlexRegistry.Tests.Cli;

/// <summary>
/// The help as a new user meets it: one option or command per line, a final line break, and each command listing only
/// the options it uses (a local file generator has no use for the register's address or credentials).
/// </summary>
public sealed class FlexregHelpTests
{
    private static async Task<string> HelpAsync(params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });
        var context = new CliContext { Console = console, Error = new StringWriter(), Environment = _ => null };
        Assert.Equal(Flexreg.Ok, await Flexreg.InvokeAsync([.. args, "--help"], context));
        return output.ToString();
    }

    private static string[] Lines(string help) => help.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    [Fact]
    public async Task RootHelp_PutsEachCommandOnItsOwnLine_AndEndsWithALineBreak()
    {
        var help = await HelpAsync();
        Assert.EndsWith("\n", help, StringComparison.Ordinal);
        var lines = Lines(help);
        Assert.Contains("Usage:", lines);
        Assert.Contains("Commands:", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  sandbox\s+Sandbox and benchmark data$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  assets\s+Assets: bulk registration and export$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  audit\s+The verifiable audit log$"));
        // The root itself calls nothing: no connection options there.
        Assert.DoesNotContain("--client-id", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SandboxGenerateHelp_ListsItsOwnOptionsOnePerLine_AndNoConnectionOptions()
    {
        var lines = Lines(await HelpAsync("sandbox", "generate"));
        foreach (var option in new[] { "--assets", "--duplicates", "--near-duplicates", "--seed", "--format", "--start-index", "--out" })
            Assert.Single(lines, l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        foreach (var option in new[] { "--url", "--client-id", "--client-secret", "--key" })
            Assert.DoesNotContain(lines, l => l.Contains(option, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("assets", "import")]
    [InlineData("assets", "export")]
    [InlineData("audit", "verify")]
    public async Task CommandsThatCallTheRegister_ListTheConnectionOptions(string group, string command)
    {
        var lines = Lines(await HelpAsync(group, command));
        foreach (var option in new[] { "--url", "--client-id", "--client-secret", "--key" })
            Assert.Single(lines, l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
    }
}
