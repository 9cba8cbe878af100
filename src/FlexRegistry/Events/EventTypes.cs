namespace FlexRegistry.Events;

/// <summary>
/// The published event types (CloudEvents <c>type</c>). Subscriptions may only name these, so a typo is refused
/// instead of silently never matching. Features add their types here when they start recording them.
/// </summary>
public static class EventTypes
{
    public const string Prefix = "flexregistry.";

    public static readonly IReadOnlyList<string> All =
    [
        "flexregistry.participant.registered",
        "flexregistry.participant.verified",
        "flexregistry.participant.verification_review_required",
        "flexregistry.participant.rejected",
        "flexregistry.participant.suspended",
        "flexregistry.participant.reinstated",
        "flexregistry.participant.deregistered",
        "flexregistry.participant.merged",
        "flexregistry.participant.updated",
        "flexregistry.participant.duplicate_suspected",
        "flexregistry.asset.registered",
        "flexregistry.asset.updated",
        "flexregistry.asset.commissioned",
        "flexregistry.asset.duplicate_attempted",
        "flexregistry.asset.duplicate_suspected",
        "flexregistry.asset.merged",
        "flexregistry.asset.confirmed",
        "flexregistry.asset.confirmation_mismatch",
        "flexregistry.duplicate_case.resolved",
        "flexregistry.participant.email_domain_approved",
        "flexregistry.participant.email_domain_withdrawn",
        "flexregistry.user.invited",
        "flexregistry.user.invitation_accepted",
        "flexregistry.user.identity_mapped",
        "flexregistry.user.permissions_changed",
        "flexregistry.user.suspended",
        "flexregistry.user.reinstated",
        "flexregistry.user.removed",
    ];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string type) => Known.Contains(type);
}
