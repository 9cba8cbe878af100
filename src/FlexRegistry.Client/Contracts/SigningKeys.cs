namespace FlexRegistry.Client.Contracts;

/// <summary>A token signing key of the register: <see cref="State"/> is <c>next</c> (published, not signing yet), <c>active</c> or <c>retiring</c>.</summary>
public sealed record SigningKeyResponse(string KeyId, string State, string Algorithm, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt);

/// <summary>Body of <c>POST /api/v1/signing-keys/rotate</c>.</summary>
public sealed record RotateSigningKeyRequest
{
    /// <summary>
    /// False (default): the new key is published now and signs after the publish-ahead period, the current one retiring
    /// after it. True (the current key is compromised): the new key signs at once and every other key is dropped, so
    /// tokens they signed stop working.
    /// </summary>
    public bool? Immediately { get; init; }
}
