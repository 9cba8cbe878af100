using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlexRegistry.Client.Contracts;

/// <summary>
/// The public catalogue as JSON-LD (<c>GET /api/v1/catalogue</c>): an inline <c>@context</c> (schema.org as the vocabulary,
/// <c>dcat</c>, <c>dct</c>, and <c>fr</c> for the register's own terms) and one <c>@graph</c>: the <c>dcat:Catalog</c>, its
/// two <c>dcat:Dataset</c>s, then one schema.org <c>Organization</c> per listed participant and one <c>Service</c> per market.
/// </summary>
public sealed record CatalogueDocument(
    [property: JsonPropertyName("@context")] JsonObject Context,
    [property: JsonPropertyName("@graph")] IReadOnlyList<JsonObject> Graph);
