using System.Text.Json;
using FlexRegistry.Audit;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

namespace FlexRegistry.Auth;

/// <summary>
/// BUC.4 step 4 (clients): the organisation's administrators (a client holding <c>users:manage</c>) and the registry
/// operator create further API clients with a subset of the permissions the organisation's roles allow, and suspend,
/// reinstate or remove them. The client's credential lives in OpenIddict's application store in the same transaction.
/// </summary>
public sealed class ManageApiClients(
    RegistryDbContext db, Journal journal, IOpenIddictApplicationManager applications, AuthOptions options, ClientCertificates certificates, TimeProvider time)
{
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string ClientSecret = "client_secret";
    public const int MaxKeys = 5;

    public async Task<CreateApiClientResponse> CreateAsync(ParticipantId id, CreateApiClientRequest request, Caller caller, CancellationToken ct)
    {
        var participant = await LoadParticipantAsync(id, caller, ct);
        var (name, permissions, jwks, certificate, defaultPurpose) = Validate(request);

        var allowed = Scopes.AllowedFor(participant.Roles);
        var offending = permissions.Where(p => !allowed.Contains(p)).ToArray();
        if (offending.Length > 0)
            throw new DomainRuleException(ApiClientErrors.PermissionNotAllowed,
                $"The organisation's roles ({string.Join(", ", participant.Roles)}) do not allow {string.Join(", ", offending)}.",
                new Dictionary<string, object?> { ["permissions"] = offending, ["allowed"] = allowed });
        if (jwks is null && !options.AllowClientSecrets)
            throw new DomainRuleException(ApiClientErrors.KeysRequired, "Give jwks: this register does not issue client secrets.");
        if (certificate is not null && (!certificates.Enabled || (certificate.Subject is not null && !certificates.HasTrustedCas)))
            throw new DomainRuleException(ApiClientErrors.MutualTlsUnavailable,
                certificates.Enabled
                    ? "This register trusts no CA (Auth:MutualTls:TrustedCaFile); register the certificate by thumbprint instead."
                    : "Mutual TLS is not enabled on this register (Auth:MutualTls:Enabled).");

        var authentication = jwks is null ? ClientSecret : PrivateKeyJwt;
        var client = ApiClient.CreateFor(id, name, permissions, authentication, time.GetUtcNow(), certificate, defaultPurpose);
        var secret = jwks is null ? ApiClient.NewSecret() : null;
        var descriptor = secret is null
            ? ClientCredentials.KeyDescriptor(client.ClientId, $"{participant.LegalName}: {name}", jwks!)
            : ClientCredentials.Descriptor(client.ClientId, $"{participant.LegalName}: {name}", secret);

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.ApiClients.Add(client);
            journal.Append(client.TakeEvents(), AuditEntry.By(caller, "api_client.create", "api_client", client.ClientId, id.Value,
                [.. ((string?[])["name", "permissions", jwks is null ? null : "jwks", certificate is null ? null : "certificate", defaultPurpose is null ? null : "defaultPurpose"]).OfType<string>()]));
            await db.SaveChangesAsync(ct);
            await applications.CreateAsync(descriptor, ct);
            await journal.CommitAsync(transaction, ct);
        });
        return new CreateApiClientResponse(client.ClientId, secret, client.Name, client.Permissions, Wire(client.Status), authentication, Certificate(client), client.DefaultPurpose);
    }

    public async Task<Page<ApiClientResponse>> ListAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
        await LoadParticipantAsync(id, caller, ct);
        var rows = await db.ApiClients.AsNoTracking()
            .Where(c => c.ParticipantId == id)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.ClientId)
            .ToListAsync(ct);
        var ids = rows.Select(c => c.ClientId).ToList();
        var withKeys = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking()
            .Where(a => a.ClientId != null && ids.Contains(a.ClientId))
            .Select(a => new { a.ClientId, HasKeys = a.JsonWebKeySet != null })
            .ToDictionaryAsync(a => a.ClientId!, a => a.HasKeys, ct);
        return new Page<ApiClientResponse>(
            [.. rows.Select(c => new ApiClientResponse(c.ClientId, c.Name, c.Permissions, Wire(c.Status),
                withKeys.TryGetValue(c.ClientId, out var hasKeys) ? (hasKeys ? PrivateKeyJwt : ClientSecret) : "none", c.CreatedAt, Certificate(c), c.DefaultPurpose))],
            null);
    }

    public Task<ApiClientResponse> SuspendAsync(ParticipantId id, string clientId, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, clientId, caller, "api_client.suspend", c => c.Suspend(), ct);

    public Task<ApiClientResponse> ReinstateAsync(ParticipantId id, string clientId, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, clientId, caller, "api_client.reinstate", c => c.Reinstate(), ct);

    /// <summary>
    /// The record stays (removed, for the history); the credential is deleted, so no new token can be issued, and
    /// LiveTokenCheck refuses tokens already issued.
    /// </summary>
    public Task<ApiClientResponse> RemoveAsync(ParticipantId id, string clientId, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, clientId, caller, "api_client.remove", c => c.Remove(), ct);

    private async Task<ApiClientResponse> ChangeAsync(ParticipantId id, string clientId, Caller caller, string action, Action<ApiClient> change, CancellationToken ct)
    {
        await LoadParticipantAsync(id, caller, ct);
        var client = await db.ApiClients.FirstOrDefaultAsync(c => c.ClientId == clientId && c.ParticipantId == id, ct)
            ?? throw new DomainRuleException(ApiClientErrors.NotFound, $"{id} has no client {Truncate(clientId)}.");
        change(client);
        var application = await applications.FindByClientIdAsync(clientId, ct);
        var authentication = application is null ? "none"
            : await applications.GetJsonWebKeySetAsync(application, ct) is null ? ClientSecret : PrivateKeyJwt;

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            journal.Append(client.TakeEvents(), AuditEntry.By(caller, action, "api_client", client.ClientId, id.Value, "status"));
            await db.SaveChangesAsync(ct);
            if (client.Status == ApiClientStatus.Removed && application is not null)
                await applications.DeleteAsync(application, ct);
            await journal.CommitAsync(transaction, ct);
        });
        return new ApiClientResponse(client.ClientId, client.Name, client.Permissions, Wire(client.Status),
            client.Status == ApiClientStatus.Removed ? "none" : authentication, client.CreatedAt, Certificate(client), client.DefaultPurpose);
    }

    /// <summary>
    /// Key rotation: the client's JWKS is replaced as a whole (add the new key, later replace again without the old
    /// one, for a rotation without downtime). A secret client given keys becomes a private_key_jwt client and its secret
    /// is deleted, which is how clients move off secrets before <c>Auth:AllowClientSecrets</c> is switched off.
    /// </summary>
    public async Task<ApiClientResponse> ReplaceKeysAsync(ParticipantId id, string clientId, ReplaceApiClientKeysRequest request, Caller caller, CancellationToken ct)
    {
        await LoadParticipantAsync(id, caller, ct);
        var errors = new FieldErrors();
        JsonWebKeySet? jwks = null;
        if (request.Jwks is { ValueKind: not JsonValueKind.Null } element)
            jwks = ParseJwks(element, errors);
        else
            errors.Add("jwks", "field.required", "Give the client's new JSON Web Key Set.");
        errors.ThrowIfAny();

        var client = await db.ApiClients.FirstOrDefaultAsync(c => c.ClientId == clientId && c.ParticipantId == id, ct)
            ?? throw new DomainRuleException(ApiClientErrors.NotFound, $"{id} has no client {Truncate(clientId)}.");
        var application = await applications.FindByClientIdAsync(clientId, ct);
        var previous = application is null ? "none"
            : await applications.GetJsonWebKeySetAsync(application, ct) is null ? ClientSecret : PrivateKeyJwt;
        client.KeysReplaced(previous);
        if (application is null)
            throw new DomainRuleException(ApiClientErrors.NotFound, $"{id} has no client {Truncate(clientId)}.");

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, ct);
        descriptor.JsonWebKeySet = jwks;
        descriptor.ClientSecret = null;

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            journal.Append(client.TakeEvents(), AuditEntry.By(caller, "api_client.replace_keys", "api_client", client.ClientId, id.Value, "jwks"));
            await db.SaveChangesAsync(ct);
            await applications.UpdateAsync(application, descriptor, ct);
            await journal.CommitAsync(transaction, ct);
        });
        return new ApiClientResponse(client.ClientId, client.Name, client.Permissions, Wire(client.Status), PrivateKeyJwt, client.CreatedAt, Certificate(client), client.DefaultPurpose);
    }

    private static ClientCertificateDto? Certificate(ApiClient client) => client.IsCertificateBound
        ? new ClientCertificateDto { Thumbprint = client.CertificateThumbprint, SubjectDn = client.CertificateSubject }
        : null;

    /// <summary>Only the participant itself and the registry operator manage its clients; to anyone else it does not exist.</summary>
    private async Task<Participant> LoadParticipantAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
        if (!caller.CanAdminister(id))
            throw ParticipantQueries.NotFound(id);
        return await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw ParticipantQueries.NotFound(id);
    }

    private static (string Name, IReadOnlyList<string> Permissions, JsonWebKeySet? Jwks, CertificateBinding? Certificate, string? DefaultPurpose) Validate(CreateApiClientRequest r)
    {
        var errors = new FieldErrors();
        errors.Required("name", r.Name, 200);
        var permissions = new List<string>();
        if (r.Permissions is null || r.Permissions.Count == 0)
        {
            errors.Add("permissions", "field.required", "Give at least one permission.");
        }
        else
        {
            for (var i = 0; i < r.Permissions.Count; i++)
            {
                var permission = r.Permissions[i];
                if (permission is not null && Scopes.All.Contains(permission))
                    permissions.Add(permission);
                else
                    errors.Add($"permissions[{i}]", "client.permission_unknown", $"'{Truncate(permission ?? "")}' is not a permission; use one of {string.Join(", ", Scopes.All)}.");
            }
        }
        JsonWebKeySet? jwks = null;
        if (r.Jwks is { ValueKind: not JsonValueKind.Null } element)
            jwks = ParseJwks(element, errors);
        var certificate = r.Certificate is null ? null : ParseCertificate(r.Certificate, errors);
        var defaultPurpose = Visibility.Purposes.Check(r.DefaultPurpose, isRegistryOperator: false, errors, "defaultPurpose");
        errors.ThrowIfAny();
        return (r.Name!.Trim(), permissions, jwks, certificate, defaultPurpose);
    }

    private static CertificateBinding? ParseCertificate(ClientCertificateDto dto, FieldErrors errors)
    {
        var hasThumbprint = !string.IsNullOrWhiteSpace(dto.Thumbprint);
        var hasSubject = !string.IsNullOrWhiteSpace(dto.SubjectDn);
        if (hasThumbprint == hasSubject)
        {
            errors.Add("certificate", "client.certificate_invalid", "Give exactly one of certificate.thumbprint and certificate.subjectDn.");
            return null;
        }
        if (hasThumbprint)
        {
            var thumbprint = dto.Thumbprint!.Trim();
            if (thumbprint.Length != 43 || !thumbprint.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                errors.Add("certificate.thumbprint", "client.certificate_invalid",
                    "thumbprint is the base64url SHA-256 of the certificate's DER encoding (x5t#S256): 43 characters, no padding.");
                return null;
            }
            return new CertificateBinding(thumbprint, null);
        }
        var subject = dto.SubjectDn!.Length <= 500 ? ClientCertificates.NormaliseSubject(dto.SubjectDn) : null;
        if (subject is null || subject.Length > 500)
        {
            errors.Add("certificate.subjectDn", "client.certificate_invalid", "subjectDn must be an X.500 distinguished name such as \"CN=dispatch, O=Example Ltd\" (≤ 500 characters).");
            return null;
        }
        return new CertificateBinding(null, subject);
    }

    /// <summary>
    /// Public signing keys only: RSA of at least 2048 bits (for PS256) or EC P-256 (for ES256). Private members are
    /// refused so that a client that pasted its private key hears about it instead of having it stored.
    /// </summary>
    internal static JsonWebKeySet? ParseJwks(JsonElement element, FieldErrors errors, string field = "jwks")
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            errors.Add(field, "client.jwks_invalid", "jwks must be a JSON Web Key Set: an object with a keys array.");
            return null;
        }
        if (keys.GetArrayLength() is 0 or > MaxKeys)
        {
            errors.Add($"{field}.keys", "client.jwks_invalid", $"Give between 1 and {MaxKeys} keys.");
            return null;
        }
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(element.GetRawText());
        }
        catch (ArgumentException)
        {
            errors.Add(field, "client.jwks_invalid", "jwks is not a valid JSON Web Key Set.");
            return null;
        }
        for (var i = 0; i < set.Keys.Count; i++)
        {
            var key = set.Keys[i];
            var problem = KeyProblem(key);
            if (problem is not null)
                errors.Add($"{field}.keys[{i}]", "client.jwks_invalid", problem);
        }
        return set;
    }

    private static string? KeyProblem(JsonWebKey key)
    {
        if (key.Use is { Length: > 0 } use && use != "sig")
            return "use must be sig.";
        if (!string.IsNullOrEmpty(key.D) || !string.IsNullOrEmpty(key.P) || !string.IsNullOrEmpty(key.K))
            return "The key holds private or symmetric material; register the public key only.";
        if (key.Alg is { Length: > 0 } alg && !((alg == "PS256" && key.Kty == "RSA") || (alg == "ES256" && key.Kty == "EC")))
            return "alg must be PS256 (for an RSA key) or ES256 (for an EC P-256 key), or absent.";
        return key.Kty switch
        {
            "RSA" when string.IsNullOrEmpty(key.N) || string.IsNullOrEmpty(key.E) => "An RSA key needs n and e.",
            "RSA" when Base64UrlEncoder.DecodeBytes(key.N).Length * 8 < 2048 => "RSA keys must have at least 2048 bits.",
            "RSA" => null,
            "EC" when key.Crv != "P-256" || string.IsNullOrEmpty(key.X) || string.IsNullOrEmpty(key.Y) => "EC keys must be P-256 with x and y (ES256).",
            "EC" => null,
            _ => "kty must be RSA (PS256) or EC (ES256).",
        };
    }

    internal static string Wire(ApiClientStatus status) => status.ToString().ToLowerInvariant();

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
