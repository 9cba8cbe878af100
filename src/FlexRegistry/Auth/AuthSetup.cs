using FlexRegistry.Audit;
using FlexRegistry.Auth.People;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace FlexRegistry.Auth;

public static class AuthSetup
{
    /// <summary>OpenIddict as token server (client credentials) and as validator of its own tokens.</summary>
    public static IServiceCollection AddRegistryAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        services.AddSingleton(options);
        services.AddSingleton(options.SigningKeys);
        // Tokens signed by a retiring key stay acceptable for as long as any of them can live.
        var retireAfter = TimeSpan.FromMinutes(options.AccessTokenLifetimeMinutes) + options.ClockSkew;
        services.AddSingleton(sp => new SigningKeys(options.KeyFile, options.SigningKeys, retireAfter, sp.GetRequiredService<TimeProvider>()));
        // Audit checkpoints are signed with the audit key of the key file, whose public half is published at /.well-known/jwks.
        services.AddSingleton(sp => sp.GetRequiredService<SigningKeys>().AuditKey);
        services.AddHostedService<SigningKeyRotation>();
        // OpenIddict needs a signing and an encryption key at start; SignWithActiveKey picks the signing key per token.
        services.AddOptions<OpenIddictServerOptions>().Configure<SigningKeys, TimeProvider>((server, keys, time) =>
        {
            server.SigningCredentials.Insert(0, new SigningCredentials(keys.Active(time.GetUtcNow()).Key, SigningKeys.Algorithm));
            server.EncryptionCredentials.Insert(0, new EncryptingCredentials((SymmetricSecurityKey)keys.EncryptionKey,
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        });

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<RegistryDbContext>())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("connect/token");
                // Discovery and the published signing keys, so that standard OAuth clients configure themselves.
                server.SetConfigurationEndpointUris(".well-known/openid-configuration");
                server.SetJsonWebKeySetEndpointUris(".well-known/jwks");
                server.AllowClientCredentialsFlow();
                server.AddEventHandler(SignWithActiveKey.Descriptor);
                server.AddEventHandler(PublishSigningKeys.Descriptor);
                // Resource servers and integrators can read and verify the JWT with the published keys.
                server.DisableAccessTokenEncryption();
                server.SetAccessTokenLifetime(TimeSpan.FromMinutes(options.AccessTokenLifetimeMinutes));
                // Scopes are the client's permissions, checked by the token endpoint itself.
                server.DisableScopeValidation();
                server.IgnoreScopePermissions();
                // Client-credentials tokens are not stored: LiveTokenCheck checks the client's and participant's status on use.
                server.DisableTokenStorage();
                // private_key_jwt: PS256/ES256 only, short-lived, each assertion once (OpenIddict checks signature, iss, aud, exp).
                server.AddEventHandler(ClientAssertionRules.Descriptor);
                server.AddEventHandler(UntypedClientAssertions.Descriptor);
                server.AddEventHandler(TokenRefusalAudit.Descriptor);
                server.AddEventHandler(CertificateConfirmation.Descriptor);
                // OpenIddict's own mTLS client authentication is not used: without a tls_client_auth policy it refuses
                // every presented certificate. The register checks certificates itself (ClientCertificates).
                server.RemoveEventHandler(OpenIddictServerHandlers.ValidateClientCertificate.Descriptor);
                if (options.Issuer is not null)
                    server.SetIssuer(options.Issuer);
                var aspnet = server.UseAspNetCore().EnableTokenEndpointPassthrough();
                if (!options.RequireHttps)
                    aspnet.DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                // RFC 6750 §2.1 only: a token in the query string or a form body ends up in logs, histories and proxies.
                validation.UseAspNetCore()
                    .DisableAccessTokenExtractionFromQueryString()
                    .DisableAccessTokenExtractionFromBodyForm();
                // RFC 9068: only tokens for this register (aud), of the at+jwt type, with exp, iat and jti, within the skew.
                validation.AddAudiences(options.Audience);
                validation.AddEventHandler(AcceptSigningKeys.Descriptor);
                validation.AddEventHandler(AccessTokenProfile.Descriptor);
                // The certificate binding of access tokens is checked by CertificateBoundTokenCheck, which answers
                // with a problem saying so (auth.certificate_mismatch) instead of a generic authentication failure.
                validation.RemoveEventHandler(OpenIddictValidationHandlers.Protection.ValidateProofOfPossession.Descriptor);
            });

        services.AddAuthentication(ExternalIssuers.BearerScheme).AddRegistryBearer(configuration);
        services.AddPeopleSignIn(configuration, options, configuration.GetSection("Auth:ExternalIssuers").Get<List<ExternalIssuerOptions>>() ?? []);
        services.AddSingleton<ClientCertificates>();
        services.AddSingleton<RefusalAudit>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbiddenAudit>();
        if (options.MutualTls.Enabled)
        {
            // Ask every HTTPS client for a certificate without requiring one (non-bound clients keep working), and
            // let the handshake accept any: ClientCertificates decides trust with the register's own CA bundle.
            services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.AllowAnyClientCertificate();
            }));
        }
        services.AddRegistryAuthorisation();
        services.AddHostedService<OperatorBootstrap>();
        return services;
    }
}
