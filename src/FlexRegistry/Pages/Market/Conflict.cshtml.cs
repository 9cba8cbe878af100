using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// One conflict: what overlaps, which rule it breaks, both sides as far as you may see them; acknowledge it (any
/// party) or record how it was settled (a side of either contract, or the registry operator, with
/// <c>contracts:manage</c>): <c>GET /api/v1/conflicts/{id}</c>, <c>POST …/acknowledge</c>, <c>POST …/resolve</c>.
/// </summary>
[Authorize(Policy = PagePolicies.AssetsRead)]
public sealed class ConflictModel(ConflictRegister register) : RegistryPage
{
    public override string Title => "Conflict";

    public ConflictResponse? Conflict { get; private set; }
    public string? Done { get; private set; }

    [BindProperty(Name = "note")] public string? Note { get; set; }
    [BindProperty(Name = "resolution")] public string? Resolution { get; set; }

    /// <summary>Mirrors the use case's rule so the page does not offer what it would refuse (the use case checks again).</summary>
    public bool MayResolve => Conflict is { Status: "open" } c && Holds(Scopes.ContractsManage)
        && (Caller.IsRegistryOperator || new[] { c.A.SellerId, c.A.BuyerId, c.B.SellerId, c.B.BuyerId }.Contains(Caller.ParticipantId.Value));

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        Done = done switch { "acknowledged" => "Conflict acknowledged.", "resolved" => "Conflict resolved.", _ => null };
        return await LoadConflictAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(string id, CancellationToken ct)
    {
        if (await RunAsync(() => register.AcknowledgeAsync(ConflictRegister.ParseId(id), new AcknowledgeConflictRequest { Note = Blank(Note) }, Caller, ct)) is { } failed)
            return await LoadConflictAsync(id, ct) ? failed : NotFound();
        return Redirect($"/conflicts/{id}?done=acknowledged");
    }

    public async Task<IActionResult> OnPostResolveAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ContractsManage) is { } refused)
            return refused;
        if (await RunAsync(() => register.ResolveAsync(ConflictRegister.ParseId(id), new ResolveConflictRequest { Resolution = Blank(Resolution) }, Caller, ct)) is { } failed)
            return await LoadConflictAsync(id, ct) ? failed : NotFound();
        return Redirect($"/conflicts/{id}?done=resolved");
    }

    private async Task<bool> LoadConflictAsync(string id, CancellationToken ct)
    {
        Conflict = await LoadAsync(() => register.GetAsync(ConflictRegister.ParseId(id), Caller, ct));
        return Conflict is not null;
    }
}
