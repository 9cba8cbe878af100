using System.Security.Claims;
using FlexRegistry.Participants;
using OpenIddict.Abstractions;

namespace FlexRegistry.Auth;

/// <summary>Who is calling, as stated by a validated access token.</summary>
public sealed record Caller(ParticipantId ParticipantId, string ClientId, IReadOnlySet<string> Roles, IReadOnlySet<string> Scopes)
{
    public const string ParticipantClaim = "participant_id";

    public bool IsRegistryOperator => Roles.Contains(ParticipantRole.RegistryOperator);

    /// <summary>The caller is the participant itself or the registry operator.</summary>
    public bool CanAdminister(ParticipantId participant) => IsRegistryOperator || participant == ParticipantId;

    public string Actor => $"client:{ClientId}";

    public static Caller From(ClaimsPrincipal user)
    {
        var participant = user.FindFirstValue(ParticipantClaim);
        if (!ParticipantId.TryParse(participant, out var id))
            throw new InvalidOperationException("An authenticated caller has no participant claim; the authorisation policy should have refused it.");
        return new Caller(
            id,
            user.FindFirstValue(OpenIddictConstants.Claims.Subject) ?? "",
            user.FindAll(OpenIddictConstants.Claims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.GetScopes().ToHashSet(StringComparer.Ordinal));
    }
}
