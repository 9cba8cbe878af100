using FlexRegistry.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlexRegistry.Shared;

/// <summary>Ready means the database answers a query; live means the process serves requests.</summary>
internal sealed class DatabaseHealthCheck(RegistryDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("The database answers.")
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}
