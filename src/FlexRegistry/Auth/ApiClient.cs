using System.Security.Cryptography;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

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
public sealed class ApiClient : EventSource
{
    private readonly List<string> _permissions = [];

    private ApiClient() { }

    public string ClientId { get; private set; } = "";
    public ParticipantId ParticipantId { get; private set; }
    public string Name { get; private set; } = "";
    public IReadOnlyList<string> Permissions => _permissions;
    public ApiClientStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// The purpose (a published code) the client's reads of other participants' data declare when a request names none;
    /// null: every such request must name one.
    /// </summary>
    public string? DefaultPurpose { get; private set; }

    /// <summary>Pinned certificate (self-signed style): base64url SHA-256 of its DER encoding (<c>x5t#S256</c>).</summary>
    public string? CertificateThumbprint { get; private set; }

    /// <summary>CA-issued certificate (tls_client_auth style): the subject DN it must carry, chaining to a trusted CA.</summary>
    public string? CertificateSubject { get; private set; }

    /// <summary>Tokens are issued only over mutual TLS with the registered certificate, and are bound to it.</summary>
    public bool IsCertificateBound => CertificateThumbprint is not null || CertificateSubject is not null;

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

    /// <summary>A further client created by the organisation (BUC.4 step 4); the event carries IDs and permissions only.</summary>
    public static ApiClient CreateFor(ParticipantId participant, string name, IEnumerable<string> permissions, string authentication, DateTimeOffset now,
        CertificateBinding? certificate = null, string? defaultPurpose = null)
    {
        var client = Create(participant, name, permissions, now);
        client.DefaultPurpose = defaultPurpose;
        client.CertificateThumbprint = certificate?.Thumbprint;
        client.CertificateSubject = certificate?.Subject;
        client.Record("api_client.created", client.ClientId,
            new Dictionary<string, object?>
            {
                ["clientId"] = client.ClientId,
                ["participantId"] = participant.Value,
                ["permissions"] = client._permissions.ToArray(),
                ["authentication"] = authentication,
                ["certificateBound"] = client.IsCertificateBound,
            },
            participant.Value);
        return client;
    }

    /// <summary>The client's public keys were replaced (rotation, or a secret client moving to private_key_jwt).</summary>
    public void KeysReplaced(string previousAuthentication)
    {
        if (ClientId == BootstrapClientId)
            throw new DomainRuleException(ApiClientErrors.BootstrapProtected,
                "The registry operator's bootstrap client is managed by configuration (Registry:OperatorClientSecret), not through the API.");
        if (Status == ApiClientStatus.Removed)
            throw new DomainRuleException(ApiClientErrors.InvalidTransition, "The client is removed; its keys cannot be replaced.");
        Record("api_client.keys_replaced", ClientId,
            new Dictionary<string, object?>
            {
                ["clientId"] = ClientId,
                ["participantId"] = ParticipantId.Value,
                ["from"] = previousAuthentication,
                ["to"] = "private_key_jwt",
            },
            ParticipantId.Value);
    }

    /// <summary>Active ⇄ suspended; removed is final (the client ID is never reused and its tokens stop at once).</summary>
    public void Suspend() => Move(ApiClientStatus.Suspended, "api_client.suspended", ApiClientStatus.Active);

    public void Reinstate() => Move(ApiClientStatus.Active, "api_client.reinstated", ApiClientStatus.Suspended);

    public void Remove() => Move(ApiClientStatus.Removed, "api_client.removed", ApiClientStatus.Active, ApiClientStatus.Suspended);

    private void Move(ApiClientStatus to, string eventType, params ApiClientStatus[] from)
    {
        if (ClientId == BootstrapClientId)
            throw new DomainRuleException(ApiClientErrors.BootstrapProtected,
                "The registry operator's bootstrap client is managed by configuration (Registry:OperatorClientSecret), not through the API.");
        if (!from.Contains(Status))
            throw new DomainRuleException(ApiClientErrors.InvalidTransition,
                $"The client is {Status.ToString().ToLowerInvariant()}; it cannot become {to.ToString().ToLowerInvariant()}.");
        var previous = Status;
        Status = to;
        Record(eventType, ClientId,
            new Dictionary<string, object?>
            {
                ["clientId"] = ClientId,
                ["participantId"] = ParticipantId.Value,
                ["from"] = previous.ToString().ToLowerInvariant(),
                ["to"] = to.ToString().ToLowerInvariant(),
            },
            ParticipantId.Value);
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
