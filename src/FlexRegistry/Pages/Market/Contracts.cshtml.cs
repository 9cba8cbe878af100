using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// Contracts as seller or buyer: propose (a portfolio delivering a product for a period), accept, decline or withdraw,
/// terminate (<c>/api/v1/contracts</c>: the same <see cref="ManageContracts"/>, so both sides see a contract and no
/// one else does).
/// </summary>
[Authorize(Policy = PagePolicies.ContractsManage)]
public sealed class ContractsModel(ManageContracts contracts) : RegistryPage
{
    public override string Title => "Contracts";

    public IReadOnlyList<ContractResponse> Contracts { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty(Name = "portfolioId")] public string? PortfolioId { get; set; }
    [BindProperty(Name = "productId")] public string? ProductId { get; set; }
    [BindProperty(Name = "from")] public string? From { get; set; }
    [BindProperty(Name = "to")] public string? To { get; set; }
    [BindProperty(Name = "contractedCapacityKw")] public string? ContractedCapacityKw { get; set; }
    [BindProperty(Name = "reference")] public string? Reference { get; set; }

    public async Task OnGetAsync(string? done, int? conflicts, CancellationToken ct)
    {
        Done = done switch
        {
            "proposed" => conflicts > 0 ? $"Contract proposed. Accepting it would create {conflicts} conflict(s); see them once it is accepted." : "Contract proposed.",
            "accepted" => conflicts > 0 ? $"Contract accepted. It is in {conflicts} conflict(s): see Conflicts." : "Contract accepted.",
            "declined" => "Contract declined.",
            "terminated" => "Contract terminated.",
            _ => null,
        };
        await LoadContractsAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var request = new ProposeContractRequest
        {
            PortfolioId = Blank(PortfolioId),
            ProductId = Blank(ProductId),
            From = Day("from", From),
            To = Day("to", To),
            ContractedCapacityKw = Number("contractedCapacityKw", ContractedCapacityKw),
            Reference = Blank(Reference),
        };
        ContractWithConflictsResponse? proposed = null;
        var failed = Errors.Count > 0 ? Page() : await RunAsync(async () => proposed = await contracts.ProposeAsync(request, null, Caller, ct));
        if (failed is null)
            return Redirect($"/contracts?done=proposed&conflicts={proposed!.Conflicts.Count}");
        await LoadContractsAsync(ct);
        return failed;
    }

    public Task<IActionResult> OnPostAcceptAsync(string? contractId, CancellationToken ct) =>
        ChangeAsync("accepted", () => contracts.AcceptAsync(ManageContracts.ParseId(contractId ?? ""), Caller, ct), ct);

    public Task<IActionResult> OnPostDeclineAsync(string? contractId, CancellationToken ct) =>
        ChangeAsync("declined", () => contracts.DeclineAsync(ManageContracts.ParseId(contractId ?? ""), Caller, ct), ct);

    public Task<IActionResult> OnPostTerminateAsync(string? contractId, CancellationToken ct) =>
        ChangeAsync("terminated", () => contracts.TerminateAsync(ManageContracts.ParseId(contractId ?? ""), new TerminateContractRequest(), Caller, ct), ct);

    private async Task<IActionResult> ChangeAsync(string done, Func<Task<ContractWithConflictsResponse>> change, CancellationToken ct)
    {
        ContractWithConflictsResponse? changed = null;
        if (await RunAsync(async () => changed = await change()) is not { } failed)
            return Redirect($"/contracts?done={done}&conflicts={changed!.Conflicts.Count}");
        await LoadContractsAsync(ct);
        return failed;
    }

    private async Task LoadContractsAsync(CancellationToken ct) =>
        Contracts = (await contracts.ListAsync(null, null, null, null, 100, Caller, ct)).Items;
}
