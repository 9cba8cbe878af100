using FlexRegistry.Shared;

namespace FlexRegistry.Visibility;

/// <summary>One published reason for reading another participant's data.</summary>
public sealed record Purpose(string Code, string Name, string Description, bool RegistryOperatorOnly = false);

/// <summary>
/// The published purposes (<c>GET /api/v1/reference/purposes</c>). A read of data by anyone other than its own
/// parties declares one — with the query parameter <c>purpose</c>, or through the API client's registered default —
/// and a grant names the one it serves. The access log records it with every such read.
/// </summary>
public static class Purposes
{
    public const string RegistryAdministration = "registry-administration";

    public static readonly IReadOnlyList<Purpose> All =
    [
        new("procurement", "Procurement", "Finding and assessing assets and providers for a flexibility tender or product."),
        new("qualification", "Qualification", "Pre-qualifying an asset or provider for a market or product (technical and commercial checks)."),
        new("onboarding", "Onboarding", "A provider's registration stage with a market operator (BUC.4 step 6): contracts, bank details, insurance."),
        new("settlement", "Settlement", "Measuring and paying for delivered flexibility."),
        new("network-planning", "Network planning", "A system operator planning or operating its network with knowledge of connected flexibility."),
        new("dispatch", "Dispatch", "Instructing contracted assets and checking who operates them."),
        new("regulatory", "Regulatory", "Reporting to or supervision by the regulator or government."),
        new(RegistryAdministration, "Registry administration", "The registry operator running the register (verification, duplicates, support).", RegistryOperatorOnly: true),
    ];

    public static readonly ErrorCode Required = new("read.purpose_required", 400,
        "A read of data that is not yours declares its purpose (query parameter purpose, or your API client's registered default).");

    public static readonly ErrorCode Unknown = new("read.purpose_unknown", 400, "The purpose is not one of the published purposes (GET /api/v1/reference/purposes).");

    public static Purpose? Find(string? code) => All.FirstOrDefault(p => p.Code == code);

    /// <summary>
    /// Checks a declared purpose (null: none declared) into <paramref name="errors"/>: a published code that the caller
    /// may declare. <paramref name="field"/> names the parameter or member in the error.
    /// </summary>
    public static string? Check(string? declared, bool isRegistryOperator, FieldErrors errors, string field = "purpose")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (declared is null)
            return null;
        var purpose = Find(declared.Trim());
        if (purpose is null || (purpose.RegistryOperatorOnly && !isRegistryOperator))
        {
            errors.Add(field, Unknown.Code, $"{field} must be one of {string.Join(", ", All.Where(p => isRegistryOperator || !p.RegistryOperatorOnly).Select(p => p.Code))}.");
            return null;
        }
        return purpose.Code;
    }
}
