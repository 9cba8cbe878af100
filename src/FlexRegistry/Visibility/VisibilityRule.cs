namespace FlexRegistry.Visibility;

/// <summary>
/// A reader's relationship to a piece of data. A reader may hold several at once (an FSP that registered an asset and
/// also holds a grant); what it sees is the union of what each shows. Wire codes are in <see cref="Relations"/>.
/// </summary>
[Flags]
public enum Relation
{
    None = 0,

    /// <summary>Registered the data: an asset's registrant (and the registrants of duplicates merged into it); for a participant's own record, the participant itself.</summary>
    Registrant = 1,

    /// <summary>Operates the asset for a service (operator claims, issue 18); a relationship source supplies it.</summary>
    OperatingFsp = 2,

    /// <summary>Owns the asset (asset parties, issue 17); a relationship source supplies it.</summary>
    Owner = 4,

    /// <summary>Holds the market-operator, system-operator or marketplace-platform role.</summary>
    MarketOrSystemOperator = 8,

    /// <summary>Holds an active data-sharing grant (named, or through a role) that covers the data, for the declared purpose.</summary>
    Grantee = 16,

    /// <summary>Any other participant with a valid token.</summary>
    AnyParticipant = 32,

    /// <summary>No token at all.</summary>
    Public = 64,

    /// <summary>The neutral body that runs the register.</summary>
    RegistryOperator = 128,
}

/// <summary>How one relationship sees one field group.</summary>
public enum Access
{
    Shown,

    /// <summary>Only under an active data-sharing grant that covers the group, for the purpose declared with the read.</summary>
    UnderGrant,
    Withheld,
}

/// <summary>
/// A named set of fields of one resource that is shown or withheld as a whole. <see cref="Fields"/> are JSON paths
/// of the resource as the API returns it (GET, search, export: NDJSON objects and CSV column names are the same paths);
/// <see cref="EventFields"/> are paths of event <c>data</c> that carry values of the group. Every path of every
/// representation belongs to exactly one group, or is a key (<see cref="VisibilityRule.KeyFields"/>): the matrix test
/// fails on a path it cannot place, so a new field cannot ship unclassified.
/// </summary>
public sealed record FieldGroup(
    string Resource,
    string Code,
    string Summary,
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> EventFields,
    IReadOnlyDictionary<Relation, Access> Cells)
{
    /// <summary>The bit of this group in a <see cref="GroupSet"/> of its resource.</summary>
    public int Bit { get; init; }

    /// <summary>The grant part that covers this group, when some relationship sees it under a grant.</summary>
    public string? Part => Cells.Values.Contains(Access.UnderGrant) ? (Resource == VisibilityRule.Asset ? "asset." + Code : Code) : null;

    public Access For(Relation relation) => Cells.TryGetValue(relation, out var access) ? access : Access.Withheld;
}

/// <summary>A set of field groups of one resource, as bits (<see cref="FieldGroup.Bit"/>).</summary>
public readonly record struct GroupSet(int Bits)
{
    public static readonly GroupSet None = new(0);

    public bool IsEmpty => Bits == 0;

    public bool Contains(FieldGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return (Bits & (1 << group.Bit)) != 0;
    }

    public GroupSet With(FieldGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new(Bits | (1 << group.Bit));
    }

    public GroupSet Union(GroupSet other) => new(Bits | other.Bits);

    public GroupSet Intersect(GroupSet other) => new(Bits & other.Bits);

    public GroupSet Except(GroupSet other) => new(Bits & ~other.Bits);

    /// <summary>The codes of the groups in the set, in published order.</summary>
    public IReadOnlyList<string> Codes(string resource)
    {
        var bits = Bits;
        return [.. VisibilityRule.GroupsOf(resource).Where(g => (bits & (1 << g.Bit)) != 0).Select(g => g.Code)];
    }
}

/// <summary>
/// THE visibility rule: for each field group of asset and participant data, what each relationship of the reader
/// sees. Every read — by ID, search, export, webhooks, the feed, notices — decides field group by field group from
/// this table; <c>GET /api/v1/reference/visibility</c> publishes it as it is, and docs/visibility.md says why each cell
/// is what it is. Who holds which relationship is resolved elsewhere (<see cref="Assets.IAssetRelationshipSource"/>, roles,
/// grants); the table never changes because a new kind of relationship appears.
/// </summary>
public static class VisibilityRule
{
    public const string Asset = "asset";
    public const string Participant = "participant";

    private const Access S = Access.Shown;
    private const Access G = Access.UnderGrant;
    private const Access W = Access.Withheld;

    /// <summary>The relationships in published order (columns of the table).</summary>
    public static readonly IReadOnlyList<Relation> Columns =
    [
        Relation.Registrant, Relation.OperatingFsp, Relation.Owner, Relation.MarketOrSystemOperator, Relation.Grantee,
        Relation.AnyParticipant, Relation.Public, Relation.RegistryOperator,
    ];

    /// <summary>Fields present whenever a record is shown at all: its identifier (an asset ID embeds the asset type too).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> KeyFields = new Dictionary<string, IReadOnlyList<string>>
    {
        [Asset] = ["assetId", "type", "withheldGroups"],
        [Participant] = ["participantId", "withheldGroups"],
    };

    private static Dictionary<Relation, Access> Row(Access registrant, Access operatingFsp, Access owner, Access marketOrSystemOperator,
        Access grantee, Access anyParticipant, Access @public, Access registryOperator) => new()
        {
            [Relation.Registrant] = registrant,
            [Relation.OperatingFsp] = operatingFsp,
            [Relation.Owner] = owner,
            [Relation.MarketOrSystemOperator] = marketOrSystemOperator,
            [Relation.Grantee] = grantee,
            [Relation.AnyParticipant] = anyParticipant,
            [Relation.Public] = @public,
            [Relation.RegistryOperator] = registryOperator,
        };

    public static readonly IReadOnlyList<FieldGroup> AssetGroups = Numbered(
    [
        new(Asset, "identity", "What the asset is and who registered it.",
            ["manufacturer", "model", "registrantId", "mergedInto", "registeredAt", "updatedAt", "version"],
            ["mergedInto", "version"],
            Row(S, S, S, S, G, W, W, S)),
        new(Asset, "technical", "What it can do and how far its data is confirmed.",
            ["status", "dataStatus", "importCapacityKw", "exportCapacityKw", "storageCapacityKwh", "connectionVoltageKv", "commissioningDate",
             "marketQualifications", "fastTracked", "provenance"],
            ["status", "fastTracked", "from", "to", "changed", "source", "groups", "fields"],
            Row(S, S, S, S, G, W, W, S)),
        new(Asset, "coarse-location", "Where it is, to network area and about a kilometre.",
            ["postcodeDistrict", "dnoArea", "gspGroup", "approximateLocation.latitude", "approximateLocation.longitude"],
            ["location.dnoArea", "location.gspGroup", "location.postcodeDistrict", "location.latitude", "location.longitude"],
            Row(S, S, S, S, G, W, W, S)),
        new(Asset, "address", "The site address and exact coordinates: a household's home for domestic assets.",
            ["address.line1", "address.town", "address.postcode", "location.latitude", "location.longitude"],
            [],
            Row(S, S, S, G, G, W, W, S)),
        new(Asset, "identifiers", "The meter points and serial number that tie the device to a supply and a household.",
            ["mpan", "exportMpan", "serialNumber"],
            [],
            Row(S, S, S, G, G, W, W, S)),
        new(Asset, "consent", "The owner's consent to registration (reference, method and date) and who the asset's owner and installers are.",
            ["ownerConsent.reference", "ownerConsent.method", "ownerConsent.date"],
            ["newOwnerId", "partyId", "partyParticipantId", "role", "initiative", "partyStatus"],
            Row(S, S, S, G, G, W, W, S)),
        new(Asset, "registration", "The registrant's working notes: the last confirmation outcome, merge reasons, possible duplicates under review.",
            ["confirmationNote"],
            ["reason", "caseId", "subjectId", "candidateId"],
            Row(S, S, W, W, W, W, W, S)),
        new(Asset, "access-log", "Who read the asset's data, when, what and why (BUC.2 step 6a).",
            [],
            ["participantId", "readerId", "reads", "records", "assets", "assetIds", "firstAt", "lastAt", "windowStart", "windowEnd", "accessLog"],
            Row(S, S, S, W, W, W, W, S)),
    ]);

    public static readonly IReadOnlyList<FieldGroup> ParticipantGroups = Numbered(
    [
        new(Participant, "directory", "The public directory entry: name, identifiers, roles, status, town.",
            ["legalName", "status", "companyNumber", "eicCode", "individual", "roles", "mergedInto", "registeredAt", "updatedAt", "registeredAddress.town"],
            ["status", "from", "to", "roles", "changed"],
            Row(S, W, W, S, S, S, W, S)),
        new(Participant, "registered-office", "An organisation's registered office, a matter of public record (an individual's home is reduced to its postcode district).",
            ["registeredAddress.line1", "registeredAddress.line2", "registeredAddress.postcode"],
            [],
            Row(S, W, W, S, S, S, W, S)),
        new(Participant, "contact-details", "Contact email, the Authorised Person, the VAT number and the approved email domains of its users.",
            ["contactEmail", "authorisedPerson.name", "authorisedPerson.email", "vatNumber"],
            ["domain"],
            Row(S, W, W, W, W, W, W, S)),
        new(Participant, "verification", "How the organisation was verified, its status history, and possible duplicates under review.",
            ["verification", "history"],
            ["caseId", "subjectId", "candidateId"],
            Row(S, W, W, W, W, W, W, S)),
        new(Participant, "account", "Who last changed its commercial information, and how that meets the published requirements.",
            ["updatedBy", "requirements"],
            [],
            Row(S, W, W, W, W, W, W, S)),
        new(Participant, "commercial-information.trading-names", "Names the organisation trades under.",
            ["information.tradingNames"], [], Row(S, W, W, G, G, W, W, S)),
        new(Participant, "commercial-information.contacts", "Commercial and operational contacts.",
            ["information.contacts"], [], Row(S, W, W, G, G, W, W, S)),
        new(Participant, "commercial-information.bank-details", "The account flexibility services are paid into.",
            ["information.bankDetails"], [], Row(S, W, W, G, G, W, W, S)),
        new(Participant, "commercial-information.insurance", "Public liability insurance.",
            ["information.insurance"], [], Row(S, W, W, G, G, W, W, S)),
        new(Participant, "commercial-information.ico-registration", "The ICO data protection registration number.",
            ["information.icoRegistrationNumber"], [], Row(S, W, W, G, G, W, W, S)),
    ]);

    public static readonly IReadOnlyList<FieldGroup> All = [.. AssetGroups, .. ParticipantGroups];

    public static IReadOnlyList<FieldGroup> GroupsOf(string resource) => resource switch
    {
        Asset => AssetGroups,
        Participant => ParticipantGroups,
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, "Not a resource of the visibility rule."),
    };

    public static FieldGroup Group(string resource, string code) =>
        GroupsOf(resource).FirstOrDefault(g => g.Code == code) ?? throw new ArgumentOutOfRangeException(nameof(code), code, "No such field group.");

    /// <summary>
    /// What a reader holding <paramref name="relations"/> sees of one record, when its grants cover <paramref name="granted"/>.
    /// The union over the relationships: a group is shown when one relationship shows it, or sees it under a grant
    /// and a grant covers it.
    /// </summary>
    public static GroupSet Visible(string resource, Relation relations, GroupSet granted)
    {
        var (shown, underGrant) = Masks(resource, relations);
        return new GroupSet(shown | (underGrant & granted.Bits));
    }

    /// <summary>The groups a grant can cover (those the grantee column sees under a grant).</summary>
    public static GroupSet Grantable(string resource) => new(Masks(resource, Relation.Grantee).UnderGrant);

    /// <summary>Every group of the resource.</summary>
    public static GroupSet Everything(string resource) => new(GroupsOf(resource).Aggregate(0, (bits, g) => bits | (1 << g.Bit)));

    private static (int Shown, int UnderGrant) Masks(string resource, Relation relations)
    {
        var masks = resource == Asset ? AssetMasks : ParticipantMasks;
        int shown = 0, underGrant = 0;
        for (var i = 0; i < Columns.Count; i++)
        {
            if ((relations & Columns[i]) == 0)
                continue;
            shown |= masks[i].Shown;
            underGrant |= masks[i].UnderGrant;
        }
        return (shown, underGrant);
    }

    private static readonly (int Shown, int UnderGrant)[] AssetMasks = BuildMasks(AssetGroups);
    private static readonly (int Shown, int UnderGrant)[] ParticipantMasks = BuildMasks(ParticipantGroups);

    private static (int, int)[] BuildMasks(IReadOnlyList<FieldGroup> groups) =>
        [.. Columns.Select(r => (
            groups.Where(g => g.For(r) == Access.Shown).Aggregate(0, (bits, g) => bits | (1 << g.Bit)),
            groups.Where(g => g.For(r) == Access.UnderGrant).Aggregate(0, (bits, g) => bits | (1 << g.Bit))))];

    private static List<FieldGroup> Numbered(IReadOnlyList<FieldGroup> groups) => [.. groups.Select((g, i) => g with { Bit = i })];
}

/// <summary>Wire codes of <see cref="Relation"/> and <see cref="Access"/>.</summary>
public static class Relations
{
    /// <summary>Relationships a participant holds to an asset through the asset itself (not through a role or a grant).</summary>
    public const Relation Parties = Relation.Registrant | Relation.OperatingFsp | Relation.Owner;

    public static string Code(Relation relation) => relation switch
    {
        Relation.Registrant => "registrant",
        Relation.OperatingFsp => "operating-fsp",
        Relation.Owner => "owner",
        Relation.MarketOrSystemOperator => "market-or-system-operator",
        Relation.Grantee => "grantee",
        Relation.AnyParticipant => "any-participant",
        Relation.Public => "public",
        Relation.RegistryOperator => "registry-operator",
        _ => throw new ArgumentOutOfRangeException(nameof(relation), relation, "Not a single relationship."),
    };

    public static string Describe(Relation relation) => relation switch
    {
        Relation.Registrant => "Registered the data: the asset's registrant (and the registrants of duplicates merged into it); for participant data, the participant itself.",
        Relation.OperatingFsp => "Operates the asset for a service (from operator claims). Until claims exist, no participant holds it.",
        Relation.Owner => "Owns the asset (from asset parties). Until asset parties exist, no participant holds it.",
        Relation.MarketOrSystemOperator => "Holds the market-operator, system-operator or marketplace-platform role; reads declare a purpose.",
        Relation.Grantee => "Holds an active data-sharing grant covering the group, for the purpose declared with the read.",
        Relation.AnyParticipant => "Any other participant with a valid token.",
        Relation.Public => "No token.",
        Relation.RegistryOperator => "The registry operator; its reads default to the purpose registry-administration.",
        _ => throw new ArgumentOutOfRangeException(nameof(relation), relation, "Not a single relationship."),
    };

    public static string Code(Access access) => access switch
    {
        Access.Shown => "shown",
        Access.UnderGrant => "under-grant",
        _ => "withheld",
    };
}
