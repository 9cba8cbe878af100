using System.Text.Json.Serialization;
using FlexRegistry.AccessLog;
using FlexRegistry.Assets;
using FlexRegistry.Assets.Confirmation;
using FlexRegistry.Assets.Imports;
using FlexRegistry.Assets.Matching;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Auth.Users;
using FlexRegistry.Catalogue;
using FlexRegistry.Duplicates;
using FlexRegistry.Events;
using FlexRegistry.Market;
using FlexRegistry.Onboarding;
using FlexRegistry.Pages;
using FlexRegistry.Participants;
using FlexRegistry.Participants.Verification;
using FlexRegistry.Persistence;
using FlexRegistry.Reference;
using FlexRegistry.Shared;
using FlexRegistry.Shared.Mail;
using FlexRegistry.Visibility;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace FlexRegistry;

/// <summary>The service's composition: every feature's services and endpoints, in one place.</summary>
public static class RegistryComposition
{
    public static IServiceCollection AddRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddProblemMapping();
        services.Configure<JsonOptions>(json =>
        {
            StrictJson.Configure(json.SerializerOptions);
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        var requestLimits = configuration.GetSection("Requests").Get<RequestLimitOptions>() ?? new RequestLimitOptions();
        requestLimits.Uploads[AssetImportEndpoints.UploadPath] = configuration.GetSection("Imports").Get<AssetImportOptions>()?.MaxBodyBytes ?? new AssetImportOptions().MaxBodyBytes;
        services.AddSingleton(requestLimits);
        requestLimits.Uploads[Pages.Assets.ImportModel.UploadPath] = requestLimits.Uploads[AssetImportEndpoints.UploadPath];
        // The document upload form: the use case's own document limit plus the multipart form around the file.
        requestLimits.PageUploads.Add(new PageUpload(Pages.Onboarding.RequestModel.UploadRoute,
            (configuration.GetSection("Onboarding").Get<OnboardingOptions>() ?? new OnboardingOptions()).MaxDocumentBytes + Pages.Onboarding.RequestModel.MultipartOverheadBytes));
        services.AddRegistryDatabase(configuration);
        services.AddRegistryDataProtection(configuration);
        services.AddRegistryAuth(configuration);
        Emails.AddEmail(services, configuration);
        services.AddRegistryWeb(configuration.GetValue<bool>("Auth:RequireHttps"));
        services.AddRegistryRateLimiting(configuration);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddRegistryOpenApi();
        services.AddRegistryMetrics(configuration);

        // The append path: use cases hand events and audit records to the journal; the sequencers order them after commit.
        services.AddSingleton(configuration.GetSection("Sequencing").Get<SequencingOptions>() ?? new SequencingOptions());
        services.AddScoped<Journal>();
        services.AddSingleton<EventSequencer>();
        services.AddHostedService(sp => sp.GetRequiredService<EventSequencer>());
        services.AddSingleton<AuditSequencer>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditSequencer>());

        services.AddScoped<RegisterParticipant>();
        services.AddScoped<ParticipantQueries>();
        services.AddScoped<DirectorySearch>();
        services.AddScoped<ChangeParticipantStatus>();
        services.AddScoped<SubmitCommercialInformation>();
        services.AddScoped<MarketInterests>();
        services.AddScoped<DataSharingGrants>();
        services.AddScoped<IRelationshipSource, InterestRelationships>();
        services.AddScoped<IRelationshipSource, GrantRelationships>();
        services.AddScoped<IParticipantRelationships, ParticipantRelationships>();
        services.AddScoped<DuplicateCases>();
        services.AddScoped<ManageApiClients>();
        services.AddSingleton(configuration.GetSection("Users").Get<UserOptions>() ?? new UserOptions());
        services.AddScoped<ManageUsers>();
        services.AddSingleton<WebLinks>();
        services.AddScoped<AcceptInvitation>();
        services.AddSingleton(configuration.GetSection("Audit").Get<AuditOptions>() ?? new AuditOptions());
        services.AddScoped<AuditQueries>();

        services.AddSingleton(configuration.GetSection("Events").Get<EventsOptions>() ?? new EventsOptions());
        var webhooks = configuration.GetSection("Webhooks").Get<WebhookOptions>() ?? new WebhookOptions();
        services.AddSingleton(webhooks);
        services.AddSingleton<WebhookUrlPolicy>();
        services.AddScoped<EventFeed>();
        services.AddScoped<ManageSubscriptions>();
        services.AddScoped<Notices>();
        services.AddHttpClient(WebhookDispatcher.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Redirects are not followed: a receiver could otherwise bounce the registry into its own network.
                AllowAutoRedirect = false,
                ConnectCallback = sp.GetRequiredService<WebhookUrlPolicy>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            // The dispatcher logs what matters (failures, 410, dead letters) itself; the factory's per-request logging
            // handlers would cost a logger scope and four checks per webhook for nothing.
            .RemoveAllLoggers();
        services.AddSingleton<EventLogSignal>();
        services.AddSingleton<WebhookDispatcher>();
        if (webhooks.DispatcherEnabled)
            services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<EventHousekeeping>();
        if (webhooks.HousekeepingEnabled)
            services.AddHostedService(sp => sp.GetRequiredService<EventHousekeeping>());
        services.AddScoped<RegisterAsset>();
        services.AddScoped<AssetMatching>();
        services.AddScoped<Readers>();
        services.AddScoped<IAssetRelationshipSource, RegistrantRelationships>();
        services.AddScoped<IAssetRelationshipSource, AssetPartyRelationships>();
        services.AddScoped<AssetRelations>();
        services.AddScoped<AssetVisibility>();
        services.AddScoped<AssetQueries>();
        services.AddSingleton(configuration.GetSection("AssetsByArea").Get<AssetsByAreaOptions>() ?? new AssetsByAreaOptions());
        services.AddSingleton<AssetsByArea>();
        services.AddSingleton(configuration.GetSection("AssetExport").Get<ExportOptions>() ?? new ExportOptions());
        services.AddScoped<ExportAssets>();
        services.AddSingleton(configuration.GetSection("AssetAccess").Get<AssetAccessOptions>() ?? new AssetAccessOptions());
        services.AddSingleton<AccessLogRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLogRecorder>());
        services.AddScoped<AccessNotifications>();
        services.AddScoped<AccessLogQueries>();
        services.AddScoped<AccessLogVerification>();
        services.AddScoped<UpdateAsset>();
        services.AddScoped<AssetPartyRoles>();
        services.AddScoped<AssetWrites>();
        services.AddScoped<AssetParties>();
        services.AddScoped<AssetHistory>();
        services.AddScoped<ChangeAssetLifecycle>();
        services.AddSingleton(configuration.GetSection("AssetConfirmation").Get<AssetConfirmationOptions>() ?? new AssetConfirmationOptions());
        services.AddSingleton(configuration.GetSection("OemCloud").Get<OemCloudOptions>() ?? new OemCloudOptions());
        services.AddSingleton<AssetConfirmationQueue>();
        services.AddHostedService<AssetConfirmationWorker>();
        services.AddHttpClient<OemCloudDataSource>(http => http.Timeout = TimeSpan.FromSeconds(30))
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.Retry.MaxRetryAttempts = 1;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
            });
        services.AddScoped<IAssetDataSource>(sp => sp.GetRequiredService<OemCloudDataSource>());
        services.AddScoped<TrustedSources>();
        var imports = configuration.GetSection("Imports").Get<AssetImportOptions>() ?? new AssetImportOptions();
        services.AddSingleton(imports);
        services.AddSingleton<AssetImportSignal>();
        services.AddScoped<AssetImportService>();
        services.AddScoped<AssetImportProcessor>();
        services.AddHostedService<AssetImportWorker>();

        services.AddSingleton(configuration.GetSection("Verification").Get<VerificationOptions>() ?? new VerificationOptions());
        services.AddSingleton(configuration.GetSection("CompaniesHouse").Get<CompaniesHouseOptions>() ?? new CompaniesHouseOptions());
        services.AddSingleton<VerificationQueue>();
        services.AddHostedService<VerificationWorker>();
        services.AddHttpClient<CompaniesHouseVerifier>(http => http.Timeout = TimeSpan.FromSeconds(30))
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.Retry.MaxRetryAttempts = 2;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(300);
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
            });
        services.AddScoped<IOrganisationVerifier>(sp => sp.GetRequiredService<CompaniesHouseVerifier>());
        services.AddMarket(configuration);
        services.AddOnboarding(configuration);
        services.AddScoped<PublicCatalogue>();
        return services;
    }

    public static WebApplication UseRegistry(this WebApplication app)
    {
        app.UseTrustedProxies(app.Configuration);
        app.UseRegistryWebHeaders();
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseRouting();
        app.UseAuthentication();
        app.UseWebSessions();
        app.UseMiddleware<LiveTokenCheck>();
        app.UseMiddleware<CertificateBoundTokenCheck>();
        app.UseAuthorization();
        app.UseRateLimitHeaders();
        app.UseRateLimiter();
        app.UseMiddleware<RequestBodies>();
        app.UseBacklogGauges();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("FlexRegistry API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();

        app.MapTokenEndpoint();
        app.MapSigningKeyEndpoints();
        app.MapParticipantEndpoints();
        app.MapCatalogueEndpoints();
        app.MapRelationshipEndpoints();
        app.MapApiClientEndpoints();
        app.MapUserEndpoints();
        app.MapAuditEndpoints();
        app.MapDuplicateCaseEndpoints();
        app.MapEventEndpoints();
        app.MapReferenceEndpoints();
        app.MapAssetEndpoints();
        app.MapAssetLifecycleEndpoints();
        app.MapAssetImportEndpoints();
        app.MapMarketEndpoints();
        app.MapOnboardingEndpoints();
        app.MapRegistryPages();
        app.MapAccessLogEndpoints();
        app.MapRegistryMetrics();
        return app;
    }
}
