using FlexRegistry.Participants;

namespace FlexRegistry.Shared;

/// <summary>
/// "Provider P is onboarded to market M", as contracts use it (BUC.4 step 7): a product offered in published markets is
/// contracted for only by providers onboarded to one of them. Declared here, answered by the feature that publishes markets
/// and records onboardings, so that contracts do not depend on it.
/// </summary>
public interface IMarketAdmission
{
    /// <summary>
    /// The names of the markets offering <paramref name="productId"/> when <paramref name="provider"/> is onboarded to none of
    /// them; empty when it may contract for the product (onboarded to one, or the product is offered in no published market).
    /// </summary>
    Task<IReadOnlyList<string>> MarketsToJoinAsync(string productId, ParticipantId provider, CancellationToken ct);
}
