using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Duplicates;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Duplicates;

/// <summary>The review queue (<c>GET /api/v1/duplicate-cases</c>): the operator sees every case, a party those it is in.</summary>
[Authorize(Policy = PagePolicies.ParticipantRead)]
public sealed class DuplicateCasesModel(DuplicateCases cases) : RegistryPage
{
    public override string Title => "Possible duplicates";

    [BindProperty(SupportsGet = true, Name = "status")] public string Status { get; set; } = "open";
    [BindProperty(SupportsGet = true, Name = "cursor")] public string? Cursor { get; set; }

    public Page<DuplicateCaseResponse> Cases { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await RunAsync(async () => Cases = await cases.ListAsync(null, Status, Cursor, 50, Caller, ct)) ?? Page();
}
