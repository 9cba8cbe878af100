using System.Globalization;
using System.Text.Json;
using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Events;

/// <summary>Maps event-log rows to CloudEvents 1.0 (JSON format): the one shape of the pull feed and of webhook bodies.</summary>
public static class CloudEvents
{
    public const string SpecVersion = "1.0";
    public const string JsonContentType = "application/json";

    public static CloudEvent ToCloudEvent(this EventRecord e, string source) => new(
        SpecVersion,
        e.Id.ToString(),
        source,
        e.Type,
        e.Subject,
        e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        JsonContentType,
        JsonDocument.Parse(e.DataJson).RootElement.Clone(),
        e.Sequence.ToString(CultureInfo.InvariantCulture));

    /// <summary>The exact bytes of a webhook body (and of what its signature covers).</summary>
    public static string Serialise(CloudEvent cloudEvent) => JsonSerializer.Serialize(cloudEvent, Json);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
