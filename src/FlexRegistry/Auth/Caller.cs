using System.Security.Claims;
using FlexRegistry.Participants;
using OpenIddict.Abstractions;

namespace FlexRegistry.Auth;

/// <summary>Who is calling, as stated by a validated access token.</summary>
public sealed record Caller(ParticipantId ParticipantId, string ClientId, IReadOnlySet<string> Roles, IReadOnlySet<string> Scopes)
{
    public const string ParticipantClaim = "participant_id";

    /// <summary>Marks a person signed in through an external issuer; <see cref="ClientId"/> then holds the user ID.</summary>
    public const string UserClaim = "flexreg_user";

    /// <summary>A user of the organisation (signed in at an external issuer) rather than an API client.</summary>
    public bool IsUser { get; init; }

    public bool IsRegistryOperator => Roles.Contains(ParticipantRole.RegistryOperator);

    /// <summary>The caller is the participant itself or the registry operator.</summary>
    public bool CanAdminister(ParticipantId participant) => IsRegistryOperator || participant == ParticipantId;

    public string Actor => IsUser ? $"user:{ClientId}" : $"client:{ClientId}";

    public static Caller From(ClaimsPrincipal user)
    {
        var participant = user.FindFirstValue(ParticipantClaim);
        if (!ParticipantId.TryParse(participant, out var id))
            throw new InvalidOperationException("An authenticated caller has no participant claim; the authorisation policy should have refused it.");
        return new Caller(
            id,
            user.FindFirstValue(OpenIddictConstants.Claims.Subject) ?? "",
            user.FindAll(OpenIddictConstants.Claims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.GetScopes().ToHashSet(StringComparer.Ordinal))
        {
            IsUser = user.HasClaim(UserClaim, "true"),
        };
    }
}
