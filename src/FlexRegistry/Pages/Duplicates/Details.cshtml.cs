using System.Globalization;
using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Duplicates;
using FlexRegistry.Participants;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Duplicates;

/// <summary>
/// A duplicate case with the two records side by side and the evidence; merge or dismiss with a reason
/// (<c>POST /api/v1/duplicate-cases/{id}/merge|dismiss</c>). Each record is read through its own use case, so a party
/// sees only what it may see of the other record.
/// </summary>
[Authorize(Policy = PagePolicies.ParticipantRead)]
public sealed class DuplicateCaseModel(DuplicateCases cases, AssetQueries assets, ParticipantQueries participants) : RegistryPage
{
    public override string Title => "Are these the same?";

    public DuplicateCaseResponse? Case { get; private set; }
    public IReadOnlyList<(string Field, string? Subject, string? Candidate)> Rows { get; private set; } = [];
    public string? Reason { get; private set; }
    public string? DismissReason { get; private set; }

    /// <summary>Mirrors the use case's rule so the page does not offer what it would refuse (the use case checks again).</summary>
    public bool MayResolve => Case is { } c && (Caller.IsRegistryOperator && Caller.Scopes.Contains(Scopes.RegistryAdmin)
                                                || (c.Kind == "asset" && Caller.Scopes.Contains(Scopes.AssetsWrite)));

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) =>
        await LoadCaseAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostMergeAsync(string id, string? survivorId, string? reason, CancellationToken ct)
    {
        Reason = reason;
        if (!Guid.TryParse(id, out var caseId))
            return NotFound();
        if (await RunAsync(() => cases.MergeAsync(caseId, new MergeDuplicateRequest { SurvivorId = survivorId, Reason = reason }, Caller, ct)) is { } failed)
            return await LoadCaseAsync(id, ct) ? failed : NotFound();
        return Redirect($"/duplicates/{id}");
    }

    public async Task<IActionResult> OnPostDismissAsync(string id, string? dismissReason, CancellationToken ct)
    {
        DismissReason = dismissReason;
        if (!Guid.TryParse(id, out var caseId))
            return NotFound();
        if (await RunAsync(async () =>
            {
                try
                {
                    await cases.DismissAsync(caseId, new DismissDuplicateRequest { Reason = dismissReason }, Caller, ct);
                }
                catch (RequestValidationException e)
                {
                    // The use case names the field reason; on this page it is the dismiss form's.
                    throw new RequestValidationException([.. e.Errors.Select(x => x.Field == "reason" ? x with { Field = "dismissReason" } : x)], e.Error);
                }
            }) is { } failed)
            return await LoadCaseAsync(id, ct) ? failed : NotFound();
        return Redirect($"/duplicates/{id}");
    }

    private async Task<bool> LoadCaseAsync(string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var caseId) || await LoadAsync(() => cases.GetAsync(caseId, Caller, ct)) is not { } found)
            return false;
        Case = found;
        Rows = found.Kind == "asset" ? await AssetRowsAsync(found, ct) : await ParticipantRowsAsync(found, ct);
        return true;
    }

    private async Task<IReadOnlyList<(string, string?, string?)>> AssetRowsAsync(DuplicateCaseResponse c, CancellationToken ct)
    {
        async Task<AssetResponse?> Read(string id) =>
            AssetId.TryParse(id, out var assetId) ? await LoadAsync(async () => (await assets.GetAsync(assetId, null, Caller, ct)).Response) : null;
        var s = await Read(c.SubjectId);
        var k = await Read(c.CandidateId);
        static string? N(decimal? v) => v?.ToString("0.###", CultureInfo.InvariantCulture);
        return
        [
            ("Asset ID", s?.AssetId, k?.AssetId), ("Type", s?.Type, k?.Type), ("Status", s?.Status, k?.Status),
            ("Manufacturer", s?.Manufacturer, k?.Manufacturer), ("Model", s?.Model, k?.Model), ("Serial number", s?.SerialNumber, k?.SerialNumber),
            ("MPAN", s?.Mpan, k?.Mpan), ("Address", s?.Address?.Line1, k?.Address?.Line1), ("Postcode", s?.Address?.Postcode, k?.Address?.Postcode),
            ("Import capacity (kW)", N(s?.ImportCapacityKw), N(k?.ImportCapacityKw)), ("Registered by", s?.RegistrantId, k?.RegistrantId),
        ];
    }

    private async Task<IReadOnlyList<(string, string?, string?)>> ParticipantRowsAsync(DuplicateCaseResponse c, CancellationToken ct)
    {
        async Task<ParticipantResponse?> Read(string id) =>
            ParticipantId.TryParse(id, out var participantId) ? await LoadAsync(() => participants.GetAsync(participantId, Caller, ct)) : null;
        var s = await Read(c.SubjectId);
        var k = await Read(c.CandidateId);
        return
        [
            ("Participant ID", s?.ParticipantId, k?.ParticipantId), ("Legal name", s?.LegalName, k?.LegalName), ("Status", s?.Status, k?.Status),
            ("Company number", s?.CompanyNumber, k?.CompanyNumber), ("EIC", s?.EicCode, k?.EicCode), ("VAT number", s?.VatNumber, k?.VatNumber),
            ("Address", s?.RegisteredAddress?.Line1, k?.RegisteredAddress?.Line1), ("Postcode", s?.RegisteredAddress?.Postcode, k?.RegisteredAddress?.Postcode),
            ("Roles", s is null ? null : string.Join(", ", s.Roles), k is null ? null : string.Join(", ", k.Roles)),
        ];
    }
}
