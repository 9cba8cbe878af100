using System.CommandLine;
using Spectre.Console;

namespace FlexRegistry.Cli.Audit;

/// <summary><c>flexreg audit verify</c>: asks the register to verify its audit chain (registry operator only).</summary>
public static class AuditCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(connection);
        var verify = new Command("verify", "Verify the hash-chained audit trail and its signed checkpoints; exit code 2 if the chain is broken");
        connection.AddTo(verify);
        verify.SetAction(async (parsed, ct) =>
        {
            var client = connection.CreateClient(parsed);
            var result = await client.VerifyAuditAsync(ct);
            if (result.Valid)
            {
                context.Console.MarkupLineInterpolated($"[green]Audit chain valid[/]: {result.Records} records, {result.Checkpoints} signed checkpoints.");
                return Flexreg.Ok;
            }
            context.Console.MarkupLineInterpolated(
                $"[red]Audit chain BROKEN[/] at sequence {result.FirstBrokenSequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}: {result.Reason} ({result.Records} records, {result.Checkpoints} checkpoints).");
            return Flexreg.CheckFailed;
        });
        var audit = new Command("audit", "The tamper-evident audit trail");
        audit.Subcommands.Add(verify);
        return audit;
    }
}
