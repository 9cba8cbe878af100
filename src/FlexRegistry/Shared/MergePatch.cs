using System.Text.Json.Nodes;

namespace FlexRegistry.Shared;

/// <summary>JSON merge patch exactly as RFC 7396 §2 defines it (the RFC's own examples are its tests).</summary>
public static class MergePatch
{
    public const string MediaType = "application/merge-patch+json";

    /// <summary>
    /// Applies <paramref name="patch"/> to <paramref name="target"/> and returns the result (the target is not changed).
    /// An object patch merges member by member into the target — into <c>{}</c> when the target is not an object — a null
    /// member removes, any other member is merged recursively; anything else replaces the target whole.
    /// </summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members)
            return patch?.DeepClone();
        var result = target is JsonObject existing ? existing.DeepClone().AsObject() : [];
        foreach (var (name, value) in members)
        {
            if (value is null)
                result.Remove(name);
            else
                result[name] = Apply(result[name], value);
        }
        return result;
    }
}
