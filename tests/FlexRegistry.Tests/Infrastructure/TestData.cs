using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>Valid, unique GB identifiers and registrations, so each test creates exactly what it asserts on.</summary>
public static class TestData
{
    private static int _counter = Random.Shared.Next(1_000_000, 5_000_000);

    private static int Next() => Interlocked.Increment(ref _counter);

    /// <summary>An 8-digit company number not used by any other test in this run.</summary>
    public static string CompanyNumber() => Next().ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

    public static string VatNumber()
    {
        var first7 = Next().ToString("D7", System.Globalization.CultureInfo.InvariantCulture)[^7..];
        for (var check = 0; check < 100; check++)
        {
            var candidate = "GB" + first7 + check.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
            if (global::FlexRegistry.Shared.VatNumber.TryParse(candidate, out _))
                return candidate;
        }
        throw new InvalidOperationException("No VAT check digits found.");
    }

    /// <summary>A valid EIC; bodies whose check value would be '-' (never issued) are skipped.</summary>
    public static string Eic()
    {
        while (true)
        {
            var body = "48X" + Next().ToString("D9", System.Globalization.CultureInfo.InvariantCulture) + "---";
            foreach (var c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            {
                if (global::FlexRegistry.Shared.Eic.TryParse(body + c, out _))
                    return body + c;
            }
        }
    }

    /// <summary>A valid postcode unlikely to be shared with other tests (near-duplicate blocking keys on it).</summary>
    public static string Postcode()
    {
        const string letters = "ABDEFGHJLNPQRSTUWXYZ";
        var n = Next();
        var candidate = $"CB{(n % 9) + 1} {(n / 9) % 10}{letters[(n / 90) % 20]}{letters[(n / 1800) % 20]}";
        return global::FlexRegistry.Shared.Postcode.TryParse(candidate, out var p) ? p.Value : throw new InvalidOperationException(candidate);
    }

    public static RegisterParticipantRequest Registration(
        string? legalName = null, string? companyNumber = null, string? postcode = null, params string[] roles) => new()
        {
            LegalName = legalName ?? $"Test Flex {Next()} Ltd",
            CompanyNumber = companyNumber ?? CompanyNumber(),
            RegisteredAddress = new AddressDto { Line1 = "1 Station Road", Town = "Cambridge", Postcode = postcode ?? Postcode() },
            ContactEmail = "registrations@flex.example",
            RequestedRoles = roles.Length == 0 ? ["fsp"] : roles,
            AuthorisedPerson = new AuthorisedPersonDto { Name = "Alex Director", Email = "alex.director@flex.example" },
            Declaration = true,
        };

    /// <summary>A valid MPAN core in the given DNO area, unique in this run.</summary>
    public static string Mpan(int distributorId = 12) =>
        global::FlexRegistry.Shared.Mpan.WithCheckDigit(distributorId.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)
            + Next().ToString("D10", System.Globalization.CultureInfo.InvariantCulture));

    public static string Serial() => "SN-" + Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The serial as a second FSP might mistype it: its first two (differing) characters swapped. "SN-4012345" becomes
    /// "NS-4012345", which no other test's serial can be.
    /// </summary>
    /// <summary>
    /// A near duplicate of <paramref name="original"/> as a second FSP might describe it (a mistyped serial, a rounded
    /// capacity, the maker's other name): a case for review, not a definite match.
    /// </summary>
    public static RegisterAssetRequest NearDuplicateOf(RegisterAssetRequest original) =>
        original with { SerialNumber = Transposed(original.SerialNumber!), ImportCapacityKw = 7.2m, Manufacturer = "myenergi" };

    public static string Transposed(string serial)
    {
        var at = 0;
        while (serial[at] == serial[at + 1])
            at++;
        return serial[..at] + serial[at + 1] + serial[at] + serial[(at + 2)..];
    }

    /// <summary>
    /// A valid, commissioned EV chargepoint with unique MPAN, serial and postcode, at its own house number on Mill Lane and
    /// with its own commissioning date (so that two of them never look like one device recorded twice).
    /// </summary>
    public static RegisterAssetRequest Chargepoint(string? mpan = null, string? serial = null, string? postcode = null)
    {
        var n = Next();
        return Chargepoint(n, mpan, serial, postcode);
    }

    private static RegisterAssetRequest Chargepoint(int n, string? mpan, string? serial, string? postcode) => new()
    {
        Type = "ev-chargepoint",
        Mpan = mpan ?? Mpan(),
        Manufacturer = "Myenergi Ltd",
        Model = "zappi v2 7kW",
        SerialNumber = serial ?? Serial(),
        Address = new AssetAddressDto { Line1 = $"{1 + (n % 9973)} Mill Lane", Town = "Cambridge", Postcode = postcode ?? Postcode() },
        ImportCapacityKw = 7.4m,
        ConnectionVoltageKv = 0.23m,
        Status = "commissioned",
        CommissioningDate = new DateOnly(2024, 5, 1).AddDays(-(n % 1009)),
        OwnerConsent = new OwnerConsentDto { Reference = "CONSENT-" + Next(), Method = "signed-contract", Date = new DateOnly(2024, 4, 20) },
    };
}
