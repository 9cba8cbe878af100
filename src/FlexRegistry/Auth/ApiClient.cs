using System.Security.Cryptography;
using FlexRegistry.Participants;

namespace FlexRegistry.Auth;

public enum ApiClientStatus
{
    Active,
    Suspended,
    Removed,
}

/// <summary>
/// A machine client acting for a participant. The credential itself (hashed secret or public keys) lives in
/// OpenIddict's application store under the same client ID; this record says whom it acts for and what it may do.
/// </summary>
public sealed class ApiClient
{
    private readonly List<string> _permissions = [];

    private ApiClient() { }

    public string ClientId { get; private set; } = "";
    public ParticipantId ParticipantId { get; private set; }
    public string Name { get; private set; } = "";
    public IReadOnlyList<string> Permissions => _permissions;
    public ApiClientStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static ApiClient Create(ParticipantId participant, string name, IEnumerable<string> permissions, DateTimeOffset now)
    {
        var client = new ApiClient
        {
            ClientId = NewClientId(),
            ParticipantId = participant,
            Name = name,
            Status = ApiClientStatus.Active,
            CreatedAt = now,
        };
        client._permissions.AddRange(permissions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return client;
    }

    /// <summary>The bootstrap client of the registry operator has a fixed, documented ID.</summary>
    public static ApiClient RegistryOperator(ParticipantId participant, DateTimeOffset now)
    {
        var client = Create(participant, "Registry operator (bootstrap)", Scopes.All, now);
        client.ClientId = BootstrapClientId;
        return client;
    }

    public const string BootstrapClientId = "registry-operator";

    /// <summary>When duplicates are merged, the duplicate's clients carry on for the survivor.</summary>
    public void TransferTo(ParticipantId survivor) => ParticipantId = survivor;

    private static string NewClientId() => "frc_" + RandomNumberGenerator.GetString("0123456789abcdefghjkmnpqrstvwxyz", 20);

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .Replace('+', '-').Replace('/', '_').TrimEnd('=');
}
