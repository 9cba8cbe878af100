using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages;

/// <summary>
/// The participant directory (BUC.4 step 5: <c>GET /api/v1/participants</c>). Signed-in only, like the API, which
/// requires <c>participants:read</c>: a page never shows what the API would refuse the same person.
/// </summary>
[Authorize(Policy = PagePolicies.ParticipantRead)]
public sealed class DirectoryModel(ParticipantQueries participants) : RegistryPage
{
    public override string Title => "Participant directory";

    [BindProperty(SupportsGet = true, Name = "query")] public string? Query { get; set; }
    [BindProperty(SupportsGet = true, Name = "role")] public string? Role { get; set; }
    [BindProperty(SupportsGet = true, Name = "status")] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "area")] public string? Area { get; set; }
    [BindProperty(SupportsGet = true, Name = "market")] public string? Market { get; set; }
    [BindProperty(SupportsGet = true, Name = "cursor")] public string? Cursor { get; set; }

    public Page<DirectoryEntry> Results { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await RunAsync(async () => Results = await participants.SearchAsync(
            new ParticipantQueries.DirectoryQuery(Blank(Query), Blank(Role), Blank(Status), Blank(Area), Blank(Market), Cursor, 50), Caller, ct)) ?? Page();

    /// <summary>The query string of this search, for the next-page link.</summary>
    public string Filters =>
        string.Join("&", new[] { ("query", Query), ("role", Role), ("status", Status), ("area", Area), ("market", Market) }
            .Where(f => !string.IsNullOrWhiteSpace(f.Item2)).Select(f => f.Item1 + "=" + Uri.EscapeDataString(f.Item2!)));
}
