using System.Globalization;
using System.Text.Json;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Events;

/// <summary>
/// The pull feed: the caller's events after a sequence number, in log order. Only sequenced events are read, and a
/// sequence is given only once no earlier one can still appear (see <see cref="EventSequencer"/>), so every page is a
/// gap-free continuation of the last one.
/// </summary>
public sealed class EventFeed(RegistryDbContext db, EventSequencer sequencer, EventsOptions options)
{
    public const int DefaultLimit = 100;

    /// <summary>A page holds at most this many events (a catching-up consumer asks for full pages).</summary>
    public const int MaxLimit = 10_000;

    public async Task<EventFeedPage> ReadAsync(string? after, string? types, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        long from = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from)))
            errors.Add("after", "cursor.invalid", "after must be a sequence number (a nextCursor this API issued).");
        var typeList = (types ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var type in typeList.Where(t => !EventTypes.IsKnown(t)))
            errors.Add("types", EventErrors.TypeUnknown, $"{type} is not a published event type.");
        var size = errors.PageSize(limit, DefaultLimit, MaxLimit);
        errors.ThrowIfAny();

        // Read your writes: what committed before this request is sequenced before it is read (bounded wait).
        await sequencer.CatchUpAsync(db, ct);
        var q = db.Events.AsQueryable();
        if (!caller.IsRegistryOperator)
        {
            var audience = " " + caller.ParticipantId.Value + " ";
            q = q.Where(e => e.Audience.Contains(audience));
        }
        if (typeList.Length > 0)
        {
            q = q.Where(e => typeList.Contains(e.Type));
        }
        else
        {
            var optIn = EventTypes.OptIn;
            q = q.Where(e => !optIn.Contains(e.Type));
        }
        // Straight to the wire shape: the columns the page needs, no entities, no parsing of data.
        var rows = await (
                from s in db.SequencedEvents
                where s.Sequence > @from
                join e in q on s.Position equals e.Position
                orderby s.Sequence
                select new EventFeedRow(s.Sequence, e.Id, e.Type, e.Subject, e.Time, e.DataJson))
            .Take(size).ToListAsync(ct);
        return new EventFeedPage(options.Source, rows, rows.Count > 0 ? rows[^1].Sequence : from);
    }
}

public sealed record EventFeedRow(long Sequence, Guid Id, string Type, string Subject, DateTimeOffset Time, string DataJson);

/// <summary>
/// A page of the feed, written as an <see cref="EventPage"/> (that is what OpenAPI shows and clients read) straight
/// from the rows, with each event's stored <c>data</c> copied as it is rather than parsed and serialised again.
/// </summary>
public sealed class EventFeedPage(string source, IReadOnlyList<EventFeedRow> rows, long nextCursor) : IResult, IEndpointMetadataProvider
{
    public IReadOnlyList<EventFeedRow> Rows => rows;

    public long NextCursor => nextCursor;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var body = response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartObject();
        writer.WriteStartArray(ItemsName);
        for (var i = 0; i < rows.Count; i++)
        {
            var e = rows[i];
            CloudEvents.Write(writer, source, e.Id, e.Type, e.Subject, e.Time, e.DataJson, e.Sequence);
            if (writer.BytesPending > FlushAt)
            {
                await writer.FlushAsync(httpContext.RequestAborted);
            }
        }
        writer.WriteEndArray();
        writer.WriteString(NextCursorName, nextCursor.ToString(CultureInfo.InvariantCulture));
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(EventPage), ["application/json"]));
    }

    private const int FlushAt = 32 * 1024;
    private static readonly JsonEncodedText ItemsName = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText NextCursorName = JsonEncodedText.Encode("nextCursor");
}
