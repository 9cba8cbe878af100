using FlexRegistry.Participants;

namespace FlexRegistry.Auth;

/// <summary>
/// Permissions a client may hold; each is also an OAuth scope in its access tokens. A participant's roles bound
/// which ones its clients can be given.
/// </summary>
public static class Scopes
{
    public const string ParticipantRead = "participants:read";
    public const string ParticipantManage = "participants:manage";
    public const string CommercialRead = "commercial:read";
    public const string CommercialWrite = "commercial:write";
    public const string UsersManage = "users:manage";
    public const string AssetsRead = "assets:read";
    public const string AssetsWrite = "assets:write";
    public const string AssetsImport = "assets:import";
    public const string EventsRead = "events:read";
    public const string SubscriptionsManage = "subscriptions:manage";

    /// <summary>Define and change products (system and market operators).</summary>
    public const string ProductsManage = "products:manage";

    /// <summary>Claim the right to operate assets (fsp, aggregator).</summary>
    public const string ClaimsManage = "claims:manage";

    /// <summary>Propose, accept, decline and terminate contracts, and resolve their conflicts (sellers and buyers).</summary>
    public const string ContractsManage = "contracts:manage";
    public const string RegistryAdmin = "registry:admin";

    public static readonly IReadOnlyList<string> All =
    [
        ParticipantRead, ParticipantManage, CommercialRead, CommercialWrite, UsersManage, AssetsRead, AssetsWrite,
        AssetsImport, EventsRead, SubscriptionsManage, ProductsManage, ClaimsManage, ContractsManage, RegistryAdmin,
    ];

    /// <summary>What each scope allows, as the OpenAPI document's security scheme declares it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [ParticipantRead] = "Read participants, the directory, requirements and duplicate cases.",
        [ParticipantManage] = "Manage the organisation's own participant record, interests and data-sharing grants.",
        [CommercialRead] = "Read the organisation's own commercial information.",
        [CommercialWrite] = "Submit and check the organisation's own commercial information.",
        [UsersManage] = "Manage the organisation's API clients, users and email domains; read its audit records.",
        [AssetsRead] = "Read and search the assets visible to the organisation.",
        [AssetsWrite] = "Register, check and change assets.",
        [AssetsImport] = "Bulk-register assets from files.",
        [EventsRead] = "Read the event feed and notices.",
        [SubscriptionsManage] = "Manage webhook subscriptions.",
        [RegistryAdmin] = "The registry operator's actions (with the registry-operator role).",
    };

    /// <summary>What an organisation with these roles may give its clients.</summary>
    public static IReadOnlyList<string> AllowedFor(IEnumerable<string> roles)
    {
        var allowed = new HashSet<string>(StringComparer.Ordinal)
        {
            ParticipantRead, ParticipantManage, CommercialRead, CommercialWrite, UsersManage, EventsRead, SubscriptionsManage,
        };
        foreach (var role in roles)
        {
            switch (role)
            {
                case ParticipantRole.Fsp or ParticipantRole.Aggregator:
                    allowed.UnionWith([AssetsRead, AssetsWrite, AssetsImport, ClaimsManage, ContractsManage]);
                    break;
                case ParticipantRole.FlexOwner or ParticipantRole.Installer:
                    allowed.UnionWith([AssetsRead, AssetsWrite]);
                    break;
                case ParticipantRole.MarketOperator or ParticipantRole.SystemOperator:
                    allowed.UnionWith([AssetsRead, ProductsManage, ContractsManage]);
                    break;
                case ParticipantRole.MarketplacePlatform or ParticipantRole.SpecialUser:
                    allowed.Add(AssetsRead);
                    break;
                case ParticipantRole.RegistryOperator:
                    allowed.UnionWith(All);
                    break;
                default:
                    break;
            }
        }
        return [.. All.Where(allowed.Contains)];
    }
}
