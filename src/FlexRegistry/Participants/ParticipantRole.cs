namespace FlexRegistry.Participants;

/// <summary>The market roles an organisation can hold; codes are the wire values.</summary>
public static class ParticipantRole
{
    public const string Fsp = "fsp";
    public const string Aggregator = "aggregator";
    public const string MarketOperator = "market-operator";
    public const string SystemOperator = "system-operator";
    public const string MarketplacePlatform = "marketplace-platform";
    public const string FlexOwner = "flex-owner";

    /// <summary>Installs and commissions assets; attached to the assets it installs as a party (BUC.2 step 1c).</summary>
    public const string Installer = "installer";
    public const string SpecialUser = "special-user";

    /// <summary>The neutral body that runs the register. Never requestable at registration; only the bootstrap client holds it.</summary>
    public const string RegistryOperator = "registry-operator";

    public static readonly IReadOnlyList<string> Requestable =
        [Fsp, Aggregator, MarketOperator, SystemOperator, MarketplacePlatform, FlexOwner, Installer, SpecialUser];

    public static bool IsRequestable(string role) => Requestable.Contains(role, StringComparer.Ordinal);

    /// <summary>Roles that buy flexibility and so may have relationships with FSPs (grants, interest, contracts).</summary>
    public static bool IsBuyer(string role) => role is MarketOperator or SystemOperator or MarketplacePlatform;
}
