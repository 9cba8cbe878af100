using FlexRegistry.Shared;

namespace FlexRegistry.Auth;

public static class ApiClientErrors
{
    public static readonly ErrorCode NotFound = new("client.not_found", 404, "No such API client.");
    public static readonly ErrorCode PermissionNotAllowed = new("client.permission_not_allowed", 422,
        "A requested permission is not allowed for the organisation's roles.");
    public static readonly ErrorCode KeysRequired = new("client.keys_required", 422,
        "Client secrets are disabled on this register (Auth:AllowClientSecrets is false); register a JSON Web Key Set for private_key_jwt.");
    public static readonly ErrorCode MutualTlsUnavailable = new("client.mutual_tls_unavailable", 422,
        "Certificate-bound clients need mutual TLS (Auth:MutualTls:Enabled) and, for a subject DN, a trusted CA bundle (Auth:MutualTls:TrustedCaFile).");
    public static readonly ErrorCode InvalidTransition = new("client.invalid_status_transition", 409,
        "The client's status does not allow this action.");
    public static readonly ErrorCode BootstrapProtected = new("client.bootstrap_protected", 409,
        "The registry operator's bootstrap client cannot be changed through the API.");
}
