using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlexRegistry.Reference;

public static class ReferenceEndpoints
{
    public static IEndpointRouteBuilder MapReferenceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/reference").WithTags("Reference data").RequireAuthorization(Policies.Participant);

        group.MapGet("/dno-areas", Ok<IReadOnlyList<DnoAreaResponse>> () =>
                TypedResults.Ok<IReadOnlyList<DnoAreaResponse>>([.. DnoArea.All.Select(a => new DnoAreaResponse(a.DistributorId, a.GspGroup, a.Name, a.Operator))]))
            .WithName("ListDnoAreas")
            .WithSummary("The 14 GB DNO licence areas with MPAN distributor IDs and GSP groups");

        return app;
    }
}
