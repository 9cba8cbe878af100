using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Participants;

namespace FlexRegistry.Market;

/// <summary>
/// Who may see what of the market's records, in one place per resource (so it can move under the register-wide
/// visibility rule when that lands). Anything a caller may not see answers exactly like a missing record (404).
/// Products are a public catalogue; everything else belongs to its parties and the registry operator.
/// </summary>
public static class MarketVisibility
{
    /// <summary>A portfolio: its parties (the owner first), buyers contracted with it, the registry operator.</summary>
    public static bool CanSeePortfolio(Asset portfolio, Caller caller, bool contractedBuyer)
    {
        ArgumentNullException.ThrowIfNull(portfolio);
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsRegistryOperator || portfolio.HasParty(caller.ParticipantId) || contractedBuyer;
    }

    /// <summary>Only the portfolio's owner (its registrant) or the registry operator changes its members.</summary>
    public static bool CanChangeMembers(Asset portfolio, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(portfolio);
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsRegistryOperator || portfolio.RegistrantId == caller.ParticipantId;
    }

    /// <summary>
    /// An asset may join a portfolio when the portfolio's owner is a party to it or holds an operator claim on it (it
    /// operates the asset), or when the registry operator adds it.
    /// </summary>
    public static bool CanAddToPortfolio(Asset asset, ParticipantId portfolioOwner, bool ownerOperatesIt, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsRegistryOperator || asset.HasParty(portfolioOwner) || ownerOperatesIt;
    }

    /// <summary>An operator claim: its operator, the asset's parties, the registry operator.</summary>
    public static bool CanSeeClaim(OperatorClaim claim, Asset asset, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsRegistryOperator || claim.OperatorId == caller.ParticipantId || asset.HasParty(caller.ParticipantId);
    }

    /// <summary>The owner's consent evidence on a claim: the operator that holds it and the registry operator (and the owner's view).</summary>
    public static bool CanSeeConsent(OperatorClaim claim, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsRegistryOperator || claim.OperatorId == caller.ParticipantId;
    }

    /// <summary>A contract and its terms: its two sides and the registry operator.</summary>
    public static bool CanSeeContract(Contract contract, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsRegistryOperator || contract.IsParty(caller.ParticipantId);
    }

    /// <summary>A conflict: everyone it concerns and the registry operator; each sees only its own side's terms (<see cref="ConflictView"/>).</summary>
    public static bool CanSeeConflict(Conflict conflict, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(conflict);
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsRegistryOperator || conflict.HasParty(caller.ParticipantId);
    }

    /// <summary>One side's contract, portfolio, seller and committed capacity: that contract's parties and the registry operator.</summary>
    public static bool CanSeeSideTerms(ParticipantId seller, ParticipantId buyer, ParticipantId? viewer, bool isRegistryOperator) =>
        isRegistryOperator || viewer == seller || viewer == buyer;
}
