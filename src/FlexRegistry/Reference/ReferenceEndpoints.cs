using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
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

        group.MapGet("/field-ownership", Ok<FieldOwnershipResponse> () => TypedResults.Ok(Ownership))
            .WithName("GetFieldOwnership")
            .WithSummary("The field ownership matrix: asset field group × role on the asset → write, at-commissioning, confirm or none (BUC.2 step 7)")
            .WithDescription("Every PATCH and lifecycle transition is checked against this table field by field: a change outside the writer's groups is refused " +
                             "whole with 403 asset.field_not_owned naming each field and its group. afterCommissioning names the transition through which a group " +
                             "changes once the asset is commissioned. conflictRule is the rule for simultaneous divergent updates (BUC.2 step 7b).");

        group.MapGet("/asset-lifecycle", Ok<IReadOnlyList<LifecycleTransitionDto>> () => TypedResults.Ok(Lifecycle))
            .WithName("GetAssetLifecycle")
            .WithSummary("The asset lifecycle transitions: from which statuses, to which, by whom, raising which event (BUC.2 step 7)");

        group.MapGet("/visibility", Ok<VisibilityResponse> () => TypedResults.Ok(Visibility))
            .WithName("GetVisibilityRule")
            .WithSummary("The visibility rule as data: field group × the reader's relationship → shown, under-grant or withheld (BUC.2 step 6, BUC.4 step 4)")
            .WithDescription("Every read of asset and participant data — by ID, search, export, webhooks, the feed — applies this table. Each group lists " +
                             "its fields as JSON paths of the resource and of event data; grantParts are the parts a data-sharing grant can name. " +
                             "docs/visibility.md explains every cell.");

        group.MapGet("/purposes", Ok<IReadOnlyList<PurposeResponse>> () =>
                TypedResults.Ok<IReadOnlyList<PurposeResponse>>([.. Purposes.All.Select(p => new PurposeResponse(p.Code, p.Name, p.Description, p.RegistryOperatorOnly))]))
            .WithName("ListPurposes")
            .WithSummary("The published purposes a read of others' data declares (query parameter purpose), and a grant names");

        return app;
    }

    private static readonly FieldOwnershipResponse Ownership = new(
        [.. AssetRoleCodes.All.Select(r => new AssetRoleDto(r.Code, r.Description))],
        [.. FieldOwnership.Groups.Select(g => new OwnedFieldGroupDto(g.Code, g.Summary, g.Fields,
            AssetRoleCodes.All.ToDictionary(r => r.Code, r => Wire(g.For(r.Role))), g.AfterCommissioning))],
        AssetWrites.ConflictRule);

    private static readonly IReadOnlyList<LifecycleTransitionDto> Lifecycle =
        [.. AssetLifecycle.Transitions.Select(t => new LifecycleTransitionDto(t.Code, t.Endpoint, [.. t.From.Select(s => s.ToWire())], t.To?.ToWire(),
            [.. AssetRoleCodes.Codes(t.Roles)], t.Event, t.Effects))];

    private static string Wire(WriteAccess access) => access switch
    {
        WriteAccess.Write => "write",
        WriteAccess.AtCommissioning => "at-commissioning",
        WriteAccess.Confirm => "confirm",
        _ => "none",
    };

    private static readonly VisibilityResponse Visibility = new(
        [.. VisibilityRule.Columns.Select(r => new RelationshipDto(Relations.Code(r), Relations.Describe(r)))],
        [.. new[] { VisibilityRule.Asset, VisibilityRule.Participant }.Select(resource => new VisibilityResourceDto(resource, VisibilityRule.KeyFields[resource],
            [.. VisibilityRule.GroupsOf(resource).Select(g => new FieldGroupDto(g.Code, g.Summary, g.Fields, g.EventFields, g.Part,
                VisibilityRule.Columns.ToDictionary(Relations.Code, r => Relations.Code(g.For(r)))))]))],
        [.. FlexRegistry.Participants.DataParts.All]);

    private static CapacityBoundsDto Bounds(CapacityBounds b) => new(b.Min, b.Max);
}
