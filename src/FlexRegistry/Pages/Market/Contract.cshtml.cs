using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// One contract and its open conflicts, to its two sides only (<c>GET /api/v1/contracts/{id}</c>, the same
/// <see cref="ManageContracts.GetAsync"/>; anyone else: 404), and detection on demand over it
/// (<c>POST /api/v1/conflicts/detect</c> with its contractId, <c>assets:read</c>).
/// </summary>
[Authorize(Policy = PagePolicies.ContractsManage)]
public sealed class ContractModel(ManageContracts contracts, ConflictRegister register) : RegistryPage
{
    public override string Title => "Contract";

    public ContractWithConflictsResponse? Contract { get; private set; }
    public string? Done { get; private set; }

    public bool MayDetect => Holds(Scopes.AssetsRead);

    public async Task<IActionResult> OnGetAsync(string id, int? detected, int? cleared, CancellationToken ct)
    {
        Done = detected is null ? null : $"Detection done: {detected} new, {cleared ?? 0} cleared.";
        return await LoadContractAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostDetectAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.AssetsRead) is { } refused)
            return refused;
        DetectConflictsResponse? result = null;
        if (await RunAsync(async () => result = await register.DetectAsync(new DetectConflictsRequest { ContractId = id }, Caller, ct)) is { } failed)
            return await LoadContractAsync(id, ct) ? failed : NotFound();
        return Redirect($"/contracts/{id}?detected={result!.Detected}&cleared={result.Cleared}");
    }

    private async Task<bool> LoadContractAsync(string id, CancellationToken ct)
    {
        Contract = await LoadAsync(() => contracts.GetAsync(ManageContracts.ParseId(id), Caller, ct));
        return Contract is not null;
    }
}
