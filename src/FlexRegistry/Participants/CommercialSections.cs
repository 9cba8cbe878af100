using FlexRegistry.Client.Contracts;
using FlexRegistry.Visibility;

namespace FlexRegistry.Participants;

/// <summary>
/// The commercial-information sections of the visibility rule and what a reader other than the participant sees of them
/// under its grants: used by the commercial-information read and by the participant record and directory ("more under a
/// grant"), so that every surface shows the same sections to the same reader.
/// </summary>
public static class CommercialSections
{
    /// <summary>The commercial-information sections of the visibility rule.</summary>
    public static readonly GroupSet All = VisibilityRule.ParticipantGroups
        .Where(g => g.Code.StartsWith(DataParts.CommercialInformation + ".", StringComparison.Ordinal))
        .Aggregate(GroupSet.None, (set, g) => set.With(g));

    private static readonly FieldGroup TradingNames = VisibilityRule.Group(VisibilityRule.Participant, "commercial-information.trading-names");
    private static readonly FieldGroup Contacts = VisibilityRule.Group(VisibilityRule.Participant, "commercial-information.contacts");
    private static readonly FieldGroup BankDetails = VisibilityRule.Group(VisibilityRule.Participant, "commercial-information.bank-details");
    private static readonly FieldGroup Insurance = VisibilityRule.Group(VisibilityRule.Participant, "commercial-information.insurance");
    private static readonly FieldGroup IcoRegistration = VisibilityRule.Group(VisibilityRule.Participant, "commercial-information.ico-registration");

    /// <summary>
    /// The sections of <paramref name="grantor"/>'s commercial information that <paramref name="reader"/> sees, by the rule,
    /// from its role relationships and the grants it holds from the grantor for the read's purpose (none without a purpose);
    /// and whether it holds such a grant for any purpose (<paramref name="grantedAny"/>: the sections a purpose would show).
    /// </summary>
    public static GroupSet Readable(Reader reader, ParticipantId grantor, out GroupSet grantedAny)
    {
        ArgumentNullException.ThrowIfNull(reader);
        GroupSet grantedForPurpose = GroupSet.None, any = GroupSet.None;
        foreach (var grant in reader.Grants)
        {
            if (grant.Grantor != grantor || grant.IsAssetGrant)
                continue;
            var covered = DataParts.Covers(VisibilityRule.Participant, grant.Part);
            any = any.Union(covered);
            if (grant.Purpose == reader.Purpose)
                grantedForPurpose = grantedForPurpose.Union(covered);
        }
        var relations = reader.RoleRelations | (any.IsEmpty ? Relation.None : Relation.Grantee);
        grantedAny = VisibilityRule.Visible(VisibilityRule.Participant, relations, any).Intersect(All);
        return VisibilityRule.Visible(VisibilityRule.Participant, relations, reader.HasPurpose ? grantedForPurpose : GroupSet.None).Intersect(All);
    }

    /// <summary>The grantors some of whose commercial information the reader holds a grant for, for the read's purpose.</summary>
    public static IReadOnlySet<ParticipantId> GrantorsForPurpose(Reader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.HasPurpose
            ? reader.Grants.Where(g => !g.IsAssetGrant && g.Purpose == reader.Purpose).Select(g => g.Grantor).ToHashSet()
            : new HashSet<ParticipantId>();
    }

    /// <summary>The document with only <paramref name="sections"/> kept; the others are null.</summary>
    public static CommercialInformationRequest Redact(CommercialInformationRequest info, GroupSet sections)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new()
        {
            TradingNames = sections.Contains(TradingNames) ? info.TradingNames : null,
            Contacts = sections.Contains(Contacts) ? info.Contacts : null,
            BankDetails = sections.Contains(BankDetails) ? info.BankDetails : null,
            Insurance = sections.Contains(Insurance) ? info.Insurance : null,
            IcoRegistrationNumber = sections.Contains(IcoRegistration) ? info.IcoRegistrationNumber : null,
        };
    }

    /// <summary>The sections withheld from a reader shown <paramref name="sections"/>, as published codes.</summary>
    public static IReadOnlyList<string> Withheld(GroupSet sections) => All.Except(sections).Codes(VisibilityRule.Participant);
}
