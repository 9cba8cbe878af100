using System.Globalization;
using System.Text.RegularExpressions;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Onboarding;
using FlexRegistry.Participants;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Organisation;

/// <summary>
/// The organisation's own commercial information (BUC.4 step 3), in the sections the API models: trading names,
/// contacts, bank details, insurance and the ICO registration number. Reading is <c>GET …/commercial-information</c>
/// (<c>commercial:read</c>); saving replaces the whole document (<c>PUT …</c>, <c>commercial:write</c>, the version read
/// as If-Match); the dry-run check (<c>POST …/check?market=</c>, <c>commercial:write</c>) checks what is in the form
/// against the roles and, when one is chosen, a market's requirements, and stores nothing. All through
/// <see cref="SubmitCommercialInformation"/>, so every broken rule shows at once beside its field.
/// </summary>
[Authorize(Policy = PagePolicies.CommercialRead)]
public sealed partial class CommercialModel(SubmitCommercialInformation commercial, MarketQueries markets) : RegistryPage
{
    /// <summary>Contact rows offered: three, or one more than the document holds.</summary>
    public const int ContactRows = 3;

    public override string Title => "Commercial information";

    public CommercialInformationResponse? Stored { get; private set; }
    public CommercialInformationCheckResponse? Check { get; private set; }
    public string? CheckedMarketName { get; private set; }
    public IReadOnlyList<MarketResponse> Markets { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty(Name = "version")] public string? Version { get; set; }
    [BindProperty(Name = "tradingNames")] public string? TradingNames { get; set; }
    public List<ContactDto> Contacts { get; } = [];
    [BindProperty(Name = "bankDetails.accountName")] public string? AccountName { get; set; }
    [BindProperty(Name = "bankDetails.sortCode")] public string? SortCode { get; set; }
    [BindProperty(Name = "bankDetails.accountNumber")] public string? AccountNumber { get; set; }
    [BindProperty(Name = "insurance.insurer")] public string? Insurer { get; set; }
    [BindProperty(Name = "insurance.policyNumber")] public string? PolicyNumber { get; set; }
    [BindProperty(Name = "insurance.publicLiabilityCoverGbp")] public string? Cover { get; set; }
    [BindProperty(Name = "insurance.expiresOn")] public string? ExpiresOn { get; set; }
    [BindProperty(Name = "icoRegistrationNumber")] public string? IcoRegistrationNumber { get; set; }
    [BindProperty(Name = "market")] public string? Market { get; set; }

    public bool MayWrite => Holds(Scopes.CommercialWrite);

    public int ContactRowCount => Math.Max(ContactRows, Contacts.Count + 1);

    public ContactDto ContactAt(int i) => i < Contacts.Count ? Contacts[i] : new ContactDto();

    public static IEnumerable<(string, string)> PurposeOptions => [("", "Choose a purpose"), .. CommercialRequirements.ContactPurposes.Select(p => (p, p))];

    public IEnumerable<(string, string)> MarketOptions => [("", "No market: my roles only"), .. Markets.Select(m => (m.MarketId, m.Name))];

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Done = done == "saved" ? "Commercial information saved." : null;
        await LoadAsync(fill: true, ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.CommercialWrite) is { } refused)
            return refused;
        var (request, rows) = ReadForm();
        var ifMatch = Blank(Version) is { } version ? new IfMatch(AnyVersion: false, [($"\"{version}\"", false)]) : null;
        var failed = Errors.Count > 0 ? Page() : await RunAsync(() => commercial.PutAsync(Caller.ParticipantId, request, ifMatch, Caller, ct));
        if (failed is null)
            return Redirect("/organisation/commercial-information?done=saved");
        MapErrorsToRows(rows);
        await LoadAsync(fill: false, ct);
        return failed;
    }

    /// <summary>The dry run over what is in the form: nothing is stored; the problems show as the save would show them.</summary>
    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.CommercialWrite) is { } refused)
            return refused;
        var (request, rows) = ReadForm();
        var market = Blank(Market);
        var failed = Errors.Count > 0 ? Page() : await RunAsync(async () => Check = await commercial.CheckAsync(Caller.ParticipantId, request, market, Caller, ct), notFoundField: "market");
        if (Check is { } check)
            AddErrors(check.Errors.Select(e => new FieldError(e.Field, e.Code, e.Message)));
        MapErrorsToRows(rows);
        await LoadAsync(fill: false, ct);
        CheckedMarketName = market is null ? null : Markets.FirstOrDefault(m => m.MarketId == market)?.Name ?? market;
        return failed ?? Page();
    }

    private (CommercialInformationRequest Request, List<int> Rows) ReadForm()
    {
        var count = ContactRows;
        while (Request.Form.ContainsKey($"contacts[{count}].name") || Request.Form.ContainsKey($"contacts[{count}].purpose"))
            count++;
        Contacts.Clear();
        for (var i = 0; i < count; i++)
        {
            Contacts.Add(new ContactDto
            {
                Purpose = Blank(Request.Form[$"contacts[{i}].purpose"].FirstOrDefault()),
                Name = Blank(Request.Form[$"contacts[{i}].name"].FirstOrDefault()),
                Email = Blank(Request.Form[$"contacts[{i}].email"].FirstOrDefault()),
                Phone = Blank(Request.Form[$"contacts[{i}].phone"].FirstOrDefault()),
            });
        }
        // The API's list holds only the filled rows: its errors are mapped back to the page's rows.
        var rows = Enumerable.Range(0, count).Where(i => Contacts[i] is not { Purpose: null, Name: null, Email: null, Phone: null }).ToList();
        var names = (TradingNames ?? "").Split('\n').Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        var bank = Blank(AccountName) is null && Blank(SortCode) is null && Blank(AccountNumber) is null
            ? null
            : new BankDetailsDto { AccountName = Blank(AccountName), SortCode = Blank(SortCode), AccountNumber = Blank(AccountNumber) };
        var insurance = Blank(Insurer) is null && Blank(PolicyNumber) is null && Blank(Cover) is null && Blank(ExpiresOn) is null
            ? null
            : new InsuranceDto
            {
                Insurer = Blank(Insurer),
                PolicyNumber = Blank(PolicyNumber),
                PublicLiabilityCoverGbp = Number("insurance.publicLiabilityCoverGbp", Cover),
                ExpiresOn = Date("insurance.expiresOn", ExpiresOn),
            };
        var request = new CommercialInformationRequest
        {
            TradingNames = names.Count == 0 ? null : names,
            Contacts = rows.Count == 0 ? null : [.. rows.Select(i => Contacts[i])],
            BankDetails = bank,
            Insurance = insurance,
            IcoRegistrationNumber = Blank(IcoRegistrationNumber),
        };
        return (request, rows);
    }

    /// <summary>The field an API error names, as the page's input: <c>contacts[1].email</c> is the second filled row's email.</summary>
    private void MapErrorsToRows(List<int> rows)
    {
        var errors = Errors.Select(e => e with { Field = PageField(e.Field, rows) }).ToList();
        ClearErrors();
        AddErrors(errors);
    }

    private static string PageField(string field, List<int> rows)
    {
        if (TradingName().IsMatch(field))
            return "tradingNames";
        var contact = ContactField().Match(field);
        if (!contact.Success)
            return field;
        var index = int.Parse(contact.Groups[1].Value, CultureInfo.InvariantCulture);
        return index < rows.Count ? $"contacts[{rows[index].ToString(CultureInfo.InvariantCulture)}].{contact.Groups[2].Value}" : "contacts";
    }

    private async Task LoadAsync(bool fill, CancellationToken ct)
    {
        try
        {
            var (response, version) = await commercial.GetAsync(Caller.ParticipantId, null, Caller, ct);
            Stored = response;
            // The version (the save's If-Match) is read with the document; a form shown again keeps the version it was read at.
            if (fill)
            {
                Version = version.ToString("N");
                Fill(response.Information);
            }
        }
        catch (DomainRuleException e) when (e.Error.Status == 404)
        {
            Stored = null; // nothing submitted yet: an empty form
        }
        Markets = (await markets.ListAsync(null, null, null, null, 100, ct)).Items;
    }

    private void Fill(CommercialInformationRequest info)
    {
        TradingNames = string.Join('\n', info.TradingNames ?? []);
        Contacts.Clear();
        Contacts.AddRange(info.Contacts ?? []);
        AccountName = info.BankDetails?.AccountName;
        SortCode = info.BankDetails?.SortCode;
        AccountNumber = info.BankDetails?.AccountNumber;
        Insurer = info.Insurance?.Insurer;
        PolicyNumber = info.Insurance?.PolicyNumber;
        Cover = info.Insurance?.PublicLiabilityCoverGbp?.ToString("0.##", CultureInfo.InvariantCulture);
        ExpiresOn = info.Insurance?.ExpiresOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        IcoRegistrationNumber = info.IcoRegistrationNumber;
    }

    [GeneratedRegex(@"^tradingNames\[\d+\]$")]
    private static partial Regex TradingName();

    [GeneratedRegex(@"^contacts\[(\d+)\]\.(\w+)$")]
    private static partial Regex ContactField();
}
