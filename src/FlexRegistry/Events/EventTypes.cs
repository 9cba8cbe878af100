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
        "flexregistry.market_interest.expressed",
        "flexregistry.market_interest.withdrawn",
        "flexregistry.data_sharing_grant.given",
        "flexregistry.data_sharing_grant.revoked",
        "flexregistry.asset.registered",
        "flexregistry.asset.updated",
        "flexregistry.asset.commissioned",
        "flexregistry.asset.duplicate_attempted",
        "flexregistry.asset.duplicate_suspected",
        "flexregistry.asset.merged",
        "flexregistry.asset.confirmed",
        "flexregistry.asset.confirmation_mismatch",
        "flexregistry.asset.accessed",
        "flexregistry.asset.owner_changed",
        "flexregistry.asset.meter_point_moved",
        "flexregistry.asset.upgraded",
        "flexregistry.asset.decommissioned",
        "flexregistry.asset.party_requested",
        "flexregistry.asset.party_attached",
        "flexregistry.asset.party_declined",
        "flexregistry.asset.party_withdrawn",
        "flexregistry.asset.party_detached",
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
        "flexregistry.product.defined",
        "flexregistry.product.updated",
        "flexregistry.portfolio.member_added",
        "flexregistry.portfolio.member_removed",
        "flexregistry.operator_claim.accepted",
        "flexregistry.operator_claim.contested",
        "flexregistry.operator_claim.switched",
        "flexregistry.operator_claim.ended",
        "flexregistry.operator_claim.consent_withdrawn",
        "flexregistry.contract.proposed",
        "flexregistry.contract.accepted",
        "flexregistry.contract.declined",
        "flexregistry.contract.terminated",
        "flexregistry.conflict.detected",
        "flexregistry.conflict.cleared",
        "flexregistry.conflict.acknowledged",
        "flexregistry.conflict.resolved",
        "flexregistry.market.published",
        "flexregistry.market.updated",
        "flexregistry.onboarding.requested",
        "flexregistry.onboarding.started",
        "flexregistry.onboarding.completed",
        "flexregistry.onboarding.returned",
        "flexregistry.onboarding_request.raised",
        "flexregistry.onboarding_request.answered",
        "flexregistry.onboarding_request.accepted",
        "flexregistry.onboarding_request.returned",
    ];

    /// <summary>
    /// Types a consumer receives only when it names them: in a subscription's types, or in the feed's <c>types</c>
    /// parameter. <c>asset.accessed</c> (BUC.2 step 6a) is opt-in so that reads do not reach those who did not ask.
    /// </summary>
    public static readonly IReadOnlyList<string> OptIn = ["flexregistry.asset.accessed"];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string type) => Known.Contains(type);
}
