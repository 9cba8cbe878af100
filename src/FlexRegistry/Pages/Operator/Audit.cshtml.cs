using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Operator;

/// <summary>The audit trail's records and its verification (<c>GET /api/v1/audit</c>, <c>POST /api/v1/audit/verify</c>).</summary>
[Authorize(Policy = PagePolicies.RegistryOperator)]
public sealed class OperatorAuditModel(AuditQueries audit) : RegistryPage
{
    public override string Title => "Audit trail";

    [BindProperty(SupportsGet = true, Name = "resource")] public string? Resource { get; set; }
    [BindProperty(SupportsGet = true, Name = "cursor")] public string? Cursor { get; set; }

    public Page<AuditRecordSummary> Records { get; private set; } = new([], null);
    public AuditVerificationResponse? Verification { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await RunAsync(async () => Records = await audit.ListSummariesAsync(string.IsNullOrWhiteSpace(Resource) ? null : Resource.Trim(), Cursor, 100, Caller, ct)) ?? Page();

    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken ct)
    {
        Verification = await audit.VerifyAsync(ct);
        return await OnGetAsync(ct);
    }
}
