using System.Buffers;
using System.Text;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Visibility;
using Microsoft.AspNetCore.Http.Metadata;

namespace FlexRegistry.Assets;

/// <summary>One stored version as a history page shows it: the columns of an <see cref="AssetChange"/> it needs, no entity.</summary>
public sealed record AssetHistoryRow(
    long Version, DateTimeOffset At, string Action, string Source, string? SourceName, ParticipantId? Participant, string Roles, string? Reason, string ChangesJson);

/// <summary>
/// A page of an asset's history, written as an <see cref="AssetHistoryPage"/> (what OpenAPI shows and clients read)
/// straight from the rows: each version's stored changes are read once and the fields the reader may see copied as they
/// are, without building an entry object per version or a JSON element per value.
/// </summary>
public sealed class AssetHistoryResult(
    string assetId, long currentVersion, AssetHistoryEntry? registered, IReadOnlyList<AssetHistoryRow> rows, GroupSet groups,
    string? nextCursor, IReadOnlyList<string> withheldGroups) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        try
        {
            writer.WriteStartObject();
            writer.WriteString(AssetIdName, assetId);
            writer.WriteNumber(CurrentVersionName, currentVersion);
            writer.WriteStartArray(ItemsName);
            if (registered is not null)
            {
                WriteEntry(writer, registered.Version, registered.At, registered.Action, registered.Source, registered.SourceName,
                    registered.ParticipantId, string.Join(' ', registered.Roles), registered.Reason, null);
            }
            var reasons = AssetHistory.ShowsReasons(groups);
            foreach (var row in rows)
            {
                WriteEntry(writer, row.Version, row.At, row.Action, row.Source, row.SourceName, row.Participant?.Value, row.Roles,
                    reasons ? row.Reason : null, row.ChangesJson);
                if (writer.BytesPending > FlushAt)
                    await writer.FlushAsync(httpContext.RequestAborted);
            }
            writer.WriteEndArray();
            writer.WriteString(NextCursorName, nextCursor);
            writer.WriteStartArray(WithheldGroupsName);
            foreach (var group in withheldGroups)
                writer.WriteStringValue(group);
            writer.WriteEndArray();
            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted);
        }
        finally
        {
            ReturnBuffer();
        }
    }

    private void WriteEntry(Utf8JsonWriter writer, long version, DateTimeOffset at, string action, string source, string? sourceName,
        string? participantId, string roles, string? reason, string? changesJson)
    {
        writer.WriteStartObject();
        writer.WriteNumber(VersionName, version);
        writer.WriteString(AtName, at);
        writer.WriteString(ActionName, action);
        writer.WriteString(SourceName, source);
        writer.WriteString(SourceNameName, sourceName);
        writer.WriteString(ParticipantIdName, participantId);
        writer.WriteStartArray(RolesName);
        foreach (var role in roles.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            writer.WriteStringValue(role);
        writer.WriteEndArray();
        writer.WriteString(ReasonName, reason);
        writer.WriteStartArray(ChangesName);
        if (changesJson is not null)
            WriteChanges(writer, changesJson);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// The stored changes the reader may see (see <see cref="AssetHistory.Shows"/>), each value copied as stored (it was
    /// written as JSON by <see cref="AssetChange.Record"/>): read token by token from one reused UTF-8 buffer, no document.
    /// </summary>
    private void WriteChanges(Utf8JsonWriter writer, string changesJson)
    {
        var size = Encoding.UTF8.GetMaxByteCount(changesJson.Length);
        if (_utf8.Length < size)
        {
            ReturnBuffer();
            _utf8 = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1024));
        }
        ReadOnlySpan<byte> json = _utf8.AsSpan(0, Encoding.UTF8.GetBytes(changesJson, _utf8));
        var reader = new Utf8JsonReader(json);
        reader.Read(); // the array
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? field = null;
            ReadOnlySpan<byte> old = Null, @new = Null; // a value absent from the record reads as JSON null
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("field"u8))
                {
                    reader.Read();
                    field = reader.GetString();
                }
                else if (reader.ValueTextEquals("old"u8))
                    old = json[RawValue(ref reader)];
                else if (reader.ValueTextEquals("new"u8))
                    @new = json[RawValue(ref reader)];
                else
                    RawValue(ref reader);
            }
            if (field is null || !AssetHistory.Shows(field, groups))
                continue;
            writer.WriteStartObject();
            writer.WriteString(FieldName, field);
            writer.WritePropertyName(OldName);
            writer.WriteRawValue(old, skipInputValidation: true);
            writer.WritePropertyName(NewName);
            writer.WriteRawValue(@new, skipInputValidation: true);
            writer.WriteEndObject();
        }
    }

    /// <summary>Where the value after the property the reader is on lies in the JSON; the reader is left on its last token.</summary>
    private static Range RawValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return start..(int)reader.BytesConsumed;
    }

    /// <summary>The changes of one version as UTF-8, rented once for the page and grown when a version needs more.</summary>
    private byte[] _utf8 = [];

    private void ReturnBuffer()
    {
        if (_utf8.Length > 0)
            ArrayPool<byte>.Shared.Return(_utf8);
        _utf8 = [];
    }

    private static ReadOnlySpan<byte> Null => "null"u8;

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AssetHistoryPage), ["application/json"]));
    }

    private const int FlushAt = 32 * 1024;
    private static readonly JsonEncodedText AssetIdName = JsonEncodedText.Encode("assetId");
    private static readonly JsonEncodedText CurrentVersionName = JsonEncodedText.Encode("currentVersion");
    private static readonly JsonEncodedText ItemsName = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText NextCursorName = JsonEncodedText.Encode("nextCursor");
    private static readonly JsonEncodedText WithheldGroupsName = JsonEncodedText.Encode("withheldGroups");
    private static readonly JsonEncodedText VersionName = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText AtName = JsonEncodedText.Encode("at");
    private static readonly JsonEncodedText ActionName = JsonEncodedText.Encode("action");
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText SourceNameName = JsonEncodedText.Encode("sourceName");
    private static readonly JsonEncodedText ParticipantIdName = JsonEncodedText.Encode("participantId");
    private static readonly JsonEncodedText RolesName = JsonEncodedText.Encode("roles");
    private static readonly JsonEncodedText ReasonName = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText ChangesName = JsonEncodedText.Encode("changes");
    private static readonly JsonEncodedText FieldName = JsonEncodedText.Encode("field");
    private static readonly JsonEncodedText OldName = JsonEncodedText.Encode("old");
    private static readonly JsonEncodedText NewName = JsonEncodedText.Encode("new");
}
