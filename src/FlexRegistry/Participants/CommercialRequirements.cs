using System.Text.RegularExpressions;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;

namespace FlexRegistry.Participants;

/// <summary>
/// The published requirements for commercial information (BUC.4 step 3), per role: which fields, which rules, and
/// why. One rule set serves the requirements endpoint, the dry-run check and the real submission.
/// </summary>
public static partial class CommercialRequirements
{
    public const decimal MinimumPublicLiabilityCoverGbp = 1_000_000m;
    public static readonly IReadOnlyList<string> ContactPurposes = ["commercial", "operational", "technical", "billing", "emergency"];

    private static Requirement TradingNames => new("tradingNames", false,
        "Up to 20 names, each 1–200 characters.", "Lets buyers recognise the names you trade under.", ["field.too_long", "field.too_many"]);

    private static Requirement CommercialContact => new("contacts[purpose=commercial]", true,
        "A contact with purpose 'commercial', a name and a valid email.",
        "Market operators need someone to send offers, contracts and onboarding tasks to.", ["commercial.contact_required", "email.invalid"]);

    private static Requirement OperationalContact => new("contacts[purpose=operational]", true,
        "A contact with purpose 'operational', a name, email and a UK phone number.",
        "System operators must reach the party that dispatches assets at any time of day.", ["commercial.contact_required", "phone.invalid"]);

    private static Requirement BankDetails(bool required) => new("bankDetails", required,
        "accountName; sortCode of 6 digits (dashes allowed); accountNumber of 8 digits.",
        "Flexibility services are paid into this account.", ["bank.sort_code_invalid", "bank.account_number_invalid", "field.required"]);

    private static Requirement Insurance(bool required) => new("insurance", required,
        $"insurer, policyNumber, publicLiabilityCoverGbp of at least {MinimumPublicLiabilityCoverGbp:N0}, expiresOn in the future.",
        "Flexibility service agreements require public liability cover for work on customers' premises and networks.",
        ["insurance.cover_too_low", "insurance.expired", "field.required"]);

    private static Requirement Ico(bool required) => new("icoRegistrationNumber", required,
        "The ICO data protection register number: Z, a letter or digit, then 6 digits (e.g. ZA123456 or Z1234567).",
        "You process households' personal data (addresses, MPANs, consumption) and must be registered with the ICO.",
        ["ico.invalid", "field.required"]);

    public static RoleRequirements For(string role) => role switch
    {
        ParticipantRole.Fsp or ParticipantRole.Aggregator => new(role,
            [TradingNames, CommercialContact, OperationalContact, BankDetails(true), Insurance(true), Ico(true)]),
        ParticipantRole.MarketOperator or ParticipantRole.SystemOperator or ParticipantRole.MarketplacePlatform => new(role,
            [TradingNames, CommercialContact, BankDetails(false), Insurance(false), Ico(true)]),
        ParticipantRole.FlexOwner => new(role, [TradingNames, CommercialContact, BankDetails(false), Ico(false)]),
        // Installers work on customers' premises and handle their meter and device data.
        ParticipantRole.Installer => new(role, [TradingNames, CommercialContact, Insurance(true), Ico(true)]),
        ParticipantRole.SpecialUser => new(role, [CommercialContact]),
        _ => new(role, [TradingNames, CommercialContact]),
    };

    /// <summary>
    /// The union of the roles' requirements: a field is required when any role requires it. A market's requirements
    /// (BUC.4 step 3, per market operator) extend them: each commercial-information section it names
    /// (<c>commercial-information.insurance</c>, …) is required too.
    /// </summary>
    public static IReadOnlyList<Requirement> ForRoles(IEnumerable<string> roles, IEnumerable<string>? marketSections = null)
    {
        var requirements = roles.SelectMany(r => For(r).Requirements)
            .GroupBy(r => r.Field, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(r => r.Required).First())
            .ToList();
        foreach (var section in marketSections ?? [])
        {
            if (ForSection(section) is not { } demanded)
                continue;
            var i = requirements.FindIndex(r => r.Field == demanded.Field);
            if (i < 0)
                requirements.Add(demanded);
            else
                requirements[i] = requirements[i] with { Required = true };
        }
        return requirements;
    }

    /// <summary>The requirement a market names by its commercial-information section (the grantable part), required.</summary>
    public static Requirement? ForSection(string section) => section switch
    {
        "commercial-information.trading-names" => TradingNames with { Required = true },
        "commercial-information.contacts" => CommercialContact,
        "commercial-information.bank-details" => BankDetails(true),
        "commercial-information.insurance" => Insurance(true),
        "commercial-information.ico-registration" => Ico(true),
        _ => null,
    };

    public static (IReadOnlyList<FieldError> Errors, IReadOnlyList<RequirementResult> Results) Check(
        CommercialInformationRequest info, IEnumerable<string> roles, DateOnly today, IEnumerable<string>? marketSections = null)
    {
        var requirements = ForRoles(roles, marketSections);
        var errors = new FieldErrors();
        bool Required(string field) => requirements.Any(r => r.Field == field && r.Required);

        if (info.TradingNames is { } names)
        {
            if (names.Count > 20)
                errors.Add("tradingNames", "field.too_many", "At most 20 trading names.");
            for (var i = 0; i < names.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(names[i]) || names[i].Length > 200)
                    errors.Add($"tradingNames[{i}]", "field.too_long", "Each trading name has 1–200 characters.");
            }
        }

        if (Required("tradingNames") && info.TradingNames is not { Count: > 0 })
            errors.Add("tradingNames", "field.required", "tradingNames is required by the market.");

        var contacts = info.Contacts ?? [];
        for (var i = 0; i < contacts.Count; i++)
        {
            var c = contacts[i];
            if (c.Purpose is null || !ContactPurposes.Contains(c.Purpose))
                errors.Add($"contacts[{i}].purpose", "contact.purpose_invalid", $"purpose must be one of {string.Join(", ", ContactPurposes)}.");
            errors.Required($"contacts[{i}].name", c.Name, 200);
            if (!Email.TryParse(c.Email, out _))
                errors.Add($"contacts[{i}].email", "email.invalid", "A valid email address is required.");
            if (c.Phone is not null && !UkPhone().IsMatch(Compact(c.Phone)))
                errors.Add($"contacts[{i}].phone", "phone.invalid", "A UK phone number: +44 or 0 followed by 9 or 10 digits.");
        }
        var hasCommercial = contacts.Any(c => c.Purpose == "commercial" && Email.TryParse(c.Email, out _));
        var hasOperational = contacts.Any(c => c.Purpose == "operational" && c.Phone is not null && UkPhone().IsMatch(Compact(c.Phone)));
        if (Required("contacts[purpose=commercial]") && !hasCommercial)
            errors.Add("contacts", "commercial.contact_required", "A contact with purpose 'commercial' and a valid email is required.");
        if (Required("contacts[purpose=operational]") && !hasOperational)
            errors.Add("contacts", "commercial.contact_required", "A contact with purpose 'operational' and a UK phone number is required for your roles.");

        if (info.BankDetails is { } bank)
        {
            errors.Required("bankDetails.accountName", bank.AccountName, 140);
            if (bank.SortCode is null || !SortCode().IsMatch(bank.SortCode.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)))
                errors.Add("bankDetails.sortCode", "bank.sort_code_invalid", "A sort code has 6 digits, e.g. 40-47-84.");
            if (bank.AccountNumber is null || !AccountNumber().IsMatch(bank.AccountNumber.Replace(" ", "", StringComparison.Ordinal)))
                errors.Add("bankDetails.accountNumber", "bank.account_number_invalid", "An account number has 8 digits.");
        }
        else if (Required("bankDetails"))
        {
            errors.Add("bankDetails", "field.required", "bankDetails is required for your roles or the market.");
        }

        if (info.Insurance is { } insurance)
        {
            errors.Required("insurance.insurer", insurance.Insurer);
            errors.Required("insurance.policyNumber", insurance.PolicyNumber, 64);
            if (insurance.PublicLiabilityCoverGbp is null || insurance.PublicLiabilityCoverGbp < MinimumPublicLiabilityCoverGbp)
                errors.Add("insurance.publicLiabilityCoverGbp", "insurance.cover_too_low", $"Public liability cover must be at least £{MinimumPublicLiabilityCoverGbp:N0}.");
            if (insurance.ExpiresOn is null || insurance.ExpiresOn <= today)
                errors.Add("insurance.expiresOn", "insurance.expired", "The policy must be in force: expiresOn after today.");
        }
        else if (Required("insurance"))
        {
            errors.Add("insurance", "field.required", "insurance is required for your roles or the market.");
        }

        if (info.IcoRegistrationNumber is { } ico)
        {
            if (!IcoNumber().IsMatch(ico.Trim().ToUpperInvariant()))
                errors.Add("icoRegistrationNumber", "ico.invalid", "An ICO registration number is Z, a letter or digit, then 6 digits, e.g. ZA123456.");
        }
        else if (Required("icoRegistrationNumber"))
        {
            errors.Add("icoRegistrationNumber", "field.required", "icoRegistrationNumber is required for your roles or the market.");
        }

        var results = requirements.Select(r => new RequirementResult(r.Field, !errors.All.Any(e => Covers(r.Field, e.Field)) && Present(r.Field, info))).ToList();
        return (errors.All, results);
    }

    private static bool Covers(string requirementField, string errorField) =>
        requirementField.StartsWith("contacts", StringComparison.Ordinal)
            ? errorField.StartsWith("contacts", StringComparison.Ordinal)
            : errorField.StartsWith(requirementField, StringComparison.Ordinal);

    private static bool Present(string field, CommercialInformationRequest info) => field switch
    {
        "tradingNames" => info.TradingNames is { Count: > 0 },
        "bankDetails" => info.BankDetails is not null,
        "insurance" => info.Insurance is not null,
        "icoRegistrationNumber" => info.IcoRegistrationNumber is not null,
        "contacts[purpose=commercial]" => info.Contacts?.Any(c => c.Purpose == "commercial") == true,
        "contacts[purpose=operational]" => info.Contacts?.Any(c => c.Purpose == "operational") == true,
        _ => false,
    };

    private static string Compact(string phone) => phone.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    [GeneratedRegex(@"^(\+44|0)\d{9,10}$")]
    private static partial Regex UkPhone();

    [GeneratedRegex(@"^\d{6}$")]
    private static partial Regex SortCode();

    [GeneratedRegex(@"^\d{8}$")]
    private static partial Regex AccountNumber();

    [GeneratedRegex(@"^Z[A-Z0-9]\d{6}$")]
    private static partial Regex IcoNumber();
}
