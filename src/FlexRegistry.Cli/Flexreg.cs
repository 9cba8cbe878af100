using System.CommandLine;
using FlexRegistry.Cli.Assets;
using FlexRegistry.Cli.Audit;
using FlexRegistry.Cli.Sandbox;
using FlexRegistry.Client;

namespace FlexRegistry.Cli;

/// <summary>
/// The command tree of <c>flexreg</c>. Exit codes: 0 success, 1 error (bad arguments, refused, unreachable),
/// 2 the check failed (a broken audit chain, a failed import).
/// </summary>
public static class Flexreg
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int CheckFailed = 2;

    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var connection = new ConnectionOptions(context);
        var root = new RootCommand("flexreg: the FlexRegistry command line (bulk asset import and export, sandbox data, audit verification)");
        root.Subcommands.Add(SandboxCommand.Create(context));
        root.Subcommands.Add(AssetsCommand.Create(context, connection));
        root.Subcommands.Add(AuditCommand.Create(context, connection));
        var parsed = root.Parse(args);
        try
        {
            // Help and version go straight to the console's writer, line breaks and all.
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = context.Console.Profile.Out.Writer, Error = context.Error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (FlexRegistryProblemException e)
        {
            await context.Error.WriteLineAsync($"flexreg: the register refused: {e.Status} {e.Code} {e.Problem.Detail ?? e.Problem.Title}");
            foreach (var error in e.Problem.Errors ?? [])
                await context.Error.WriteLineAsync($"  {error.Field}: {error.Code} {error.Message}");
            return Error;
        }
        catch (Exception e) when (e is HttpRequestException or ArgumentException or IOException or FormatException or InvalidOperationException
                                      or System.Security.Cryptography.CryptographicException or TaskCanceledException)
        {
            await context.Error.WriteLineAsync($"flexreg: {e.Message}");
            return Error;
        }
    }
}
