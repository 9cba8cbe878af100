using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Operator;

/// <summary>The registry operator's verification queue: the directory search (<c>GET /api/v1/participants</c>) by status.</summary>
[Authorize(Policy = PagePolicies.RegistryOperator)]
public sealed class OperatorParticipantsModel(ParticipantQueries participants) : RegistryPage
{
    public override string Title => "Participants";

    [BindProperty(SupportsGet = true, Name = "status")] public string Status { get; set; } = "provisional";
    [BindProperty(SupportsGet = true, Name = "query")] public string? Query { get; set; }
    [BindProperty(SupportsGet = true, Name = "cursor")] public string? Cursor { get; set; }

    public Page<DirectoryEntry> Results { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await RunAsync(async () => Results = await participants.SearchAsync(
            new ParticipantQueries.DirectoryQuery(string.IsNullOrWhiteSpace(Query) ? null : Query, null, Status, null, null, Cursor, 50), Caller, ct)) ?? Page();
}
