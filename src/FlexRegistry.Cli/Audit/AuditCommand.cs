using System.CommandLine;
using Spectre.Console;

namespace FlexRegistry.Cli.Audit;

/// <summary><c>flexreg audit verify</c>: asks the register to verify its audit log (registry operator only).</summary>
public static class AuditCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(connection);
        var verify = new Command("verify", "Verify the audit log (every record against its Merkle leaf, every signed tree head against the tree); exit code 2 if it is broken");
        connection.AddTo(verify);
        verify.SetAction(async (parsed, ct) =>
        {
            var client = connection.CreateClient(parsed);
            var result = await client.VerifyAuditAsync(ct);
            if (result.Valid)
            {
                context.Console.MarkupLineInterpolated($"[green]Audit log valid[/]: {result.Records} records, {result.TreeHeads} signed tree heads.");
                return Flexreg.Ok;
            }
            context.Console.MarkupLineInterpolated(
                $"[red]Audit log BROKEN[/] at leaf {result.FirstBrokenLeafIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}: {result.Reason} ({result.Records} records, {result.TreeHeads} tree heads).");
            return Flexreg.CheckFailed;
        });
        var audit = new Command("audit", "The verifiable audit log");
        audit.Subcommands.Add(verify);
        return audit;
    }
}
