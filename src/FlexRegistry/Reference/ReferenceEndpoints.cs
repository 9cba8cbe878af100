using FlexRegistry.Assets;
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

        group.MapGet("/asset-types", Ok<IReadOnlyList<AssetTypeResponse>> () =>
                TypedResults.Ok<IReadOnlyList<AssetTypeResponse>>([.. AssetType.All.Select(t => new AssetTypeResponse(
                    t.Code, t.IdCode, t.Name, t.RequiredFields, Bounds(t.ImportCapacityKw), Bounds(t.ExportCapacityKw),
                    t.StorageCapacityKwh is { } s ? Bounds(s) : null, t.HasStorage))]))
            .WithName("ListAssetTypes")
            .WithSummary("The published asset taxonomy: codes, ID type codes, required fields, capacity bounds (BUC.2 step 1b)");

        group.MapGet("/validation-rules", Ok<IReadOnlyList<ValidationRuleResponse>> () =>
                TypedResults.Ok<IReadOnlyList<ValidationRuleResponse>>([.. ValidationRule.Catalogue.Select(r => new ValidationRuleResponse(r.Code, r.Description, r.Fields, r.Severity))]))
            .WithName("ListValidationRules")
            .WithSummary("The published asset validation rule catalogue: code, description, fields, severity (BUC.2 steps 1b and 2)");

        return app;
    }

    private static CapacityBoundsDto Bounds(CapacityBounds b) => new(b.Min, b.Max);
}
