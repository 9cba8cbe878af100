using System.Buffers;
using System.Globalization;
using System.Text.Json;
using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Events;

/// <summary>Maps event-log rows to CloudEvents 1.0 (JSON format): the one shape of the pull feed and of webhook bodies.</summary>
public static class CloudEvents
{
    public const string SpecVersion = "1.0";
    public const string JsonContentType = "application/json";

    /// <summary>
    /// Writes one event in the shape of <see cref="CloudEvent"/> (same members, same order) straight from the log row's
    /// columns: <c>data</c> is the stored JSON as it is, not parsed and re-serialised. The pull feed and webhook bodies
    /// both use this.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, string source, Guid id, string type, string subject, DateTimeOffset time, string dataJson, long sequence)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString(SpecVersionName, SpecVersion);
        writer.WriteString(IdName, id);
        writer.WriteString(SourceName, source);
        writer.WriteString(TypeName, type);
        writer.WriteString(SubjectName, subject);
        Span<char> stamp = stackalloc char[28];
        writer.WriteString(TimeName, time.UtcDateTime.TryFormat(stamp, out var n, TimeFormat, CultureInfo.InvariantCulture) ? stamp[..n] : FormatTime(time));
        writer.WriteString(DataContentTypeName, JsonContentType);
        writer.WritePropertyName(DataName);
        // The log only ever holds JSON this service serialised (RegistryDbContext.EventJson).
        writer.WriteRawValue(dataJson, skipInputValidation: true);
        Span<char> digits = stackalloc char[20];
        writer.WriteString(SequenceName, sequence.TryFormat(digits, out var d, provider: CultureInfo.InvariantCulture) ? digits[..d] : sequence.ToString(CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }

    /// <summary>One event as a webhook body: UTF-8 JSON, the bytes that are sent and signed.</summary>
    public static byte[] Utf8Body(string source, Guid id, string type, string subject, DateTimeOffset time, string dataJson, long sequence)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + dataJson.Length);
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, source, id, type, subject, time, dataJson, sequence);
        return buffer.WrittenSpan.ToArray();
    }

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static readonly JsonEncodedText SpecVersionName = JsonEncodedText.Encode("specversion");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText SubjectName = JsonEncodedText.Encode("subject");
    private static readonly JsonEncodedText TimeName = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText DataContentTypeName = JsonEncodedText.Encode("datacontenttype");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText SequenceName = JsonEncodedText.Encode("sequence");
}
