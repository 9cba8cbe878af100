using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Assets;

/// <summary>
/// BUC.2 steps 2, 4 and 5 as a form: <see cref="RegisterAsset"/>, the use case of <c>POST /api/v1/assets</c>. Every broken
/// rule is shown at once; numbers and dates the browser sends as text are checked here first and their errors join the
/// use case's.
/// </summary>
[Authorize(Policy = PagePolicies.AssetsWrite)]
public sealed class RegisterAssetModel(RegisterAsset register) : RegistryPage
{
    public override string Title => "Register an asset";

    public AssetForm Form { get; private set; } = new();
    public string? ExistingAssetId { get; private set; }

    public IEnumerable<(string, string)> TypeOptions => [("", "Choose a type"), .. AssetType.All.Where(t => !t.IsPortfolio).Select(t => (t.Code, t.Name))];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync([FromForm] AssetForm form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(form);
        Form = form;
        var request = new RegisterAssetRequest
        {
            Type = Blank(form.Type),
            Mpan = Blank(form.Mpan),
            ExportMpan = Blank(form.ExportMpan),
            Manufacturer = Blank(form.Manufacturer),
            Model = Blank(form.Model),
            SerialNumber = Blank(form.SerialNumber),
            Address = new AssetAddressDto { Line1 = Blank(form.Line1), Town = Blank(form.Town), Postcode = Blank(form.Postcode) },
            ImportCapacityKw = Number("importCapacityKw", form.ImportCapacityKw),
            ExportCapacityKw = Number("exportCapacityKw", form.ExportCapacityKw),
            StorageCapacityKwh = Number("storageCapacityKwh", form.StorageCapacityKwh),
            ConnectionVoltageKv = Number("connectionVoltageKv", form.ConnectionVoltageKv),
            Status = Blank(form.Status),
            CommissioningDate = Date("commissioningDate", form.CommissioningDate),
            OwnerConsent = form.ConsentReference is null && form.ConsentMethod is null && form.ConsentDate is null
                ? null
                : new OwnerConsentDto { Reference = Blank(form.ConsentReference), Method = Blank(form.ConsentMethod), Date = Date("ownerConsent.date", form.ConsentDate) },
        };
        if (Errors.Count > 0)
        {
            // Text that is not a number or date never reaches registration; the dry run (the same rules) adds the rest.
            AddErrors(register.Check(request).Errors.Where(e => ErrorFor(e.Field) is null).Select(e => new FieldError(e.Field, e.Code, e.Message)));
            return Page();
        }
        (RegisterAssetResponse Response, Guid Version)? registered = null;
        if (await RunAsync(async () => registered = await register.HandleAsync(request, null, Caller, ct)) is { } failed)
        {
            var duplicate = Errors.FirstOrDefault(e => e.Code == AssetErrors.Duplicate.Code);
            ExistingAssetId = duplicate is null ? null : System.Text.RegularExpressions.Regex.Match(duplicate.Message, "FRA-[A-Z0-9-]+").Value;
            return failed;
        }
        return Redirect($"/assets/{registered!.Value.Response.AssetId}?registered=true");
    }
}

/// <summary>The asset form's fields, named as the API's JSON paths; numbers and dates as typed.</summary>
public sealed class AssetForm
{
    [BindProperty(Name = "type")] public string? Type { get; set; }
    [BindProperty(Name = "mpan")] public string? Mpan { get; set; }
    [BindProperty(Name = "exportMpan")] public string? ExportMpan { get; set; }
    [BindProperty(Name = "manufacturer")] public string? Manufacturer { get; set; }
    [BindProperty(Name = "model")] public string? Model { get; set; }
    [BindProperty(Name = "serialNumber")] public string? SerialNumber { get; set; }
    [BindProperty(Name = "address.line1")] public string? Line1 { get; set; }
    [BindProperty(Name = "address.town")] public string? Town { get; set; }
    [BindProperty(Name = "address.postcode")] public string? Postcode { get; set; }
    [BindProperty(Name = "importCapacityKw")] public string? ImportCapacityKw { get; set; }
    [BindProperty(Name = "exportCapacityKw")] public string? ExportCapacityKw { get; set; }
    [BindProperty(Name = "storageCapacityKwh")] public string? StorageCapacityKwh { get; set; }
    [BindProperty(Name = "connectionVoltageKv")] public string? ConnectionVoltageKv { get; set; }
    [BindProperty(Name = "status")] public string? Status { get; set; }
    [BindProperty(Name = "commissioningDate")] public string? CommissioningDate { get; set; }
    [BindProperty(Name = "ownerConsent.reference")] public string? ConsentReference { get; set; }
    [BindProperty(Name = "ownerConsent.method")] public string? ConsentMethod { get; set; }
    [BindProperty(Name = "ownerConsent.date")] public string? ConsentDate { get; set; }
}
