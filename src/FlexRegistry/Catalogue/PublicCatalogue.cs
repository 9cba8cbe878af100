using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CsvHelper;
using FlexRegistry.Events;
using FlexRegistry.Onboarding;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace FlexRegistry.Catalogue;

/// <summary>
/// The public catalogue (seed 002's public member registry, BUC.4 step 5): who is a registered market participant and
/// which markets are published, without a token. It owns no data: it reads the register's tables through Persistence and
/// shows of each participant exactly its public directory entry (<see cref="ParticipantQueries.ToDirectoryEntry(ParticipantQueries.DirectoryRow)"/>), the
/// fields the visibility rule shows to any participant. Individuals (sole traders) are left out: their name is personal data.
/// </summary>
/// <remarks>
/// Versioned by the register's event sequence: every change to a participant or a market records an event, so the
/// latest sequenced event (after catching up with what committed before the request) is a strong validator of the whole
/// catalogue. Rows are streamed from the database to the client; nothing holds the whole list.
/// </remarks>
public sealed class PublicCatalogue(RegistryDbContext db, EventSequencer sequencer)
{
    public const string JsonLd = "application/ld+json";
    public const string Csv = "text/csv";

    /// <summary>How long a cache may serve the catalogue without asking again; then If-None-Match makes asking cheap.</summary>
    public const string CacheControl = "public, max-age=60";

    /// <summary>Terms of the register that schema.org and DCAT do not have.</summary>
    public const string Vocabulary = "urn:flexregistry:";

    /// <summary>The catalogue's version: the last sequenced event once what committed before this call is sequenced.</summary>
    public async Task<long> VersionAsync(CancellationToken ct)
    {
        await sequencer.CatchUpAsync(db, ct);
        return await db.SequencedEvents.MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
    }

    public static string ETag(long version, string representation) => $"\"catalogue-{representation}-{version}\"";

    /// <summary>How many participants one keyset page of the catalogue reads.</summary>
    public const int BatchSize = 5000;

    /// <summary>
    /// Listed participants: the public directory (active, suspended, merged), organisations only, not the registry operator;
    /// in ID order, read in keyset pages of <see cref="BatchSize"/> holding only the directory entry's columns, so no
    /// connection is held while a slow client takes the body and no page costs more than an index range.
    /// </summary>
    public async IAsyncEnumerable<ParticipantQueries.DirectoryRow> Participants([EnumeratorCancellation] CancellationToken ct)
    {
        var listed = db.Participants.AsNoTracking()
            .Where(p => !p.Individual && !p.Roles.Contains(ParticipantRole.RegistryOperator)
                && (p.Status == ParticipantStatus.Active || p.Status == ParticipantStatus.Suspended || p.Status == ParticipantStatus.Merged));
        ParticipantId? after = null;
        while (true)
        {
            var page = after is { } last ? listed.Where(p => p.Id.CompareTo(last) > 0) : listed;
            var rows = await page.OrderBy(p => p.Id).Take(BatchSize)
                .Select(p => new ParticipantQueries.DirectoryRow(p.Id, p.LegalName, p.Status, p.CompanyNumber, p.EicCode, p.Roles,
                    p.RegisteredAddress.Town, p.RegisteredAddress.Postcode, p.MergedInto))
                .ToListAsync(ct);
            foreach (var row in rows)
                yield return row;
            if (rows.Count < BatchSize)
                yield break;
            after = rows[^1].Id;
        }
    }

    public IAsyncEnumerable<PublishedMarket> Markets() => db.Markets.AsNoTracking().OrderBy(m => m.Id).AsAsyncEnumerable();

    /// <summary>
    /// JSON-LD: one graph holding a <c>dcat:Catalog</c> of two <c>dcat:Dataset</c>s (participants, markets) with their
    /// distributions, then every participant as a schema.org <c>Organization</c> and every market as a schema.org
    /// <c>Service</c> its operator provides. DCAT makes the catalogue findable by data portals (what seed 002 asks for);
    /// schema.org describes the organisations themselves, which DCAT has no terms for.
    /// </summary>
    public async Task WriteJsonLdAsync(Stream body, string baseUrl, CancellationToken ct)
    {
        await using var writer = new Utf8JsonWriter(body);
        var self = baseUrl + "/api/v1/catalogue";
        writer.WriteStartObject();
        writer.WriteStartObject("@context");
        writer.WriteString("@vocab", "https://schema.org/");
        writer.WriteString("dcat", "http://www.w3.org/ns/dcat#");
        writer.WriteString("dct", "http://purl.org/dc/terms/");
        writer.WriteString("fr", Vocabulary);
        writer.WriteEndObject();
        writer.WriteStartArray("@graph");

        writer.WriteStartObject();
        writer.WriteString("@id", self);
        writer.WriteString("@type", "dcat:Catalog");
        writer.WriteString("dct:title", "FlexRegistry public register");
        writer.WriteString("dct:description", "Registered participants of Great Britain's flexibility markets and the markets they publish.");
        writer.WriteStartArray("dcat:dataset");
        foreach (var dataset in new[] { "participants", "markets" })
        {
            writer.WriteStartObject();
            writer.WriteString("@id", self + "#" + dataset);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        Dataset(writer, self, "participants", "Registered market participants",
            "Organisations registered once for every GB flexibility market: their public directory entries.", baseUrl + "/api/v1/catalogue/participants.csv");
        Dataset(writer, self, "markets", "Published flexibility markets",
            "Markets published by market and system operators: what they procure, where, and whom to contact.", baseUrl + "/api/v1/catalogue/markets.csv");

        await foreach (var participant in Participants(ct))
        {
            var e = ParticipantQueries.ToDirectoryEntry(participant);
            writer.WriteStartObject();
            writer.WriteString("@id", baseUrl + "/api/v1/participants/" + e.ParticipantId);
            writer.WriteString("@type", "Organization");
            writer.WriteString("identifier", e.ParticipantId);
            writer.WriteString("legalName", e.LegalName);
            writer.WriteString("fr:status", e.Status);
            WriteOptional(writer, "fr:companyNumber", e.CompanyNumber);
            WriteOptional(writer, "fr:eic", e.EicCode);
            writer.WriteStartArray("fr:role");
            foreach (var role in e.Roles)
                writer.WriteStringValue(role);
            writer.WriteEndArray();
            if (e.Town is not null || e.PostcodeDistrict is not null)
            {
                writer.WriteStartObject("address");
                writer.WriteString("@type", "PostalAddress");
                WriteOptional(writer, "addressLocality", e.Town);
                WriteOptional(writer, "postalCode", e.PostcodeDistrict);
                writer.WriteEndObject();
            }
            WriteOptional(writer, "fr:dnoArea", e.DnoArea);
            if (e.MergedInto is not null)
            {
                writer.WriteStartObject("fr:mergedInto");
                writer.WriteString("@id", baseUrl + "/api/v1/participants/" + e.MergedInto);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            if (writer.BytesPending > FlushAt)
                await writer.FlushAsync(ct);
        }

        await foreach (var market in Markets().WithCancellation(ct))
        {
            writer.WriteStartObject();
            writer.WriteString("@id", baseUrl + "/api/v1/markets/" + market.Id);
            writer.WriteString("@type", "Service");
            writer.WriteString("identifier", market.Id.ToString());
            writer.WriteString("name", market.Name);
            WriteOptional(writer, "description", market.Description);
            writer.WriteString("fr:status", market.Status);
            writer.WriteStartObject("provider");
            writer.WriteString("@id", baseUrl + "/api/v1/participants/" + market.OperatorId.Value);
            writer.WriteEndObject();
            writer.WriteStartArray("areaServed");
            foreach (var area in market.Areas)
                writer.WriteStringValue(area);
            writer.WriteEndArray();
            writer.WriteStartArray("fr:product");
            foreach (var product in market.ProductIds)
                writer.WriteStringValue(product);
            writer.WriteEndArray();
            WriteOptional(writer, "email", market.ContactEmail);
            writer.WriteEndObject();
            if (writer.BytesPending > FlushAt)
                await writer.FlushAsync(ct);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(ct);
    }

    /// <summary>The participants as CSV, one public directory entry a row (roles space-separated).</summary>
    public async Task WriteParticipantsCsvAsync(Stream body, CancellationToken ct)
    {
        await using var text = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await using var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true);
        foreach (var column in ParticipantColumns)
            csv.WriteField(column);
        await csv.NextRecordAsync();
        var rows = 0;
        await foreach (var participant in Participants(ct))
        {
            var e = ParticipantQueries.ToDirectoryEntry(participant);
            foreach (var field in new[] { e.ParticipantId, e.LegalName, e.Status, e.CompanyNumber, e.EicCode, string.Join(' ', e.Roles), e.Town, e.PostcodeDistrict, e.DnoArea, e.MergedInto })
                csv.WriteField(field);
            await csv.NextRecordAsync();
            if (++rows % 1000 == 0)
                await csv.FlushAsync();
        }
        await csv.FlushAsync();
    }

    /// <summary>The markets as CSV (areas and product IDs space-separated).</summary>
    public async Task WriteMarketsCsvAsync(Stream body, CancellationToken ct)
    {
        await using var text = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await using var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true);
        foreach (var column in MarketColumns)
            csv.WriteField(column);
        await csv.NextRecordAsync();
        await foreach (var m in Markets().WithCancellation(ct))
        {
            foreach (var field in new[] { m.Id.ToString(), m.Name, m.OperatorId.Value, m.Status, string.Join(' ', m.Areas), string.Join(' ', m.ProductIds), m.ContactEmail, m.Description })
                csv.WriteField(field);
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
    }

    public static readonly IReadOnlyList<string> ParticipantColumns =
        ["participantId", "legalName", "status", "companyNumber", "eicCode", "roles", "town", "postcodeDistrict", "dnoArea", "mergedInto"];

    public static readonly IReadOnlyList<string> MarketColumns =
        ["marketId", "name", "operatorId", "status", "areas", "productIds", "contactEmail", "description"];

    private static void Dataset(Utf8JsonWriter writer, string self, string name, string title, string description, string csv)
    {
        writer.WriteStartObject();
        writer.WriteString("@id", self + "#" + name);
        writer.WriteString("@type", "dcat:Dataset");
        writer.WriteString("dct:title", title);
        writer.WriteString("dct:description", description);
        writer.WriteStartArray("dcat:distribution");
        writer.WriteStartObject();
        writer.WriteString("@type", "dcat:Distribution");
        writer.WriteString("dcat:mediaType", Csv);
        writer.WriteStartObject("dcat:downloadURL");
        writer.WriteString("@id", csv);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject();
        writer.WriteString("@type", "dcat:Distribution");
        writer.WriteString("dcat:mediaType", JsonLd);
        writer.WriteStartObject("dcat:accessURL");
        writer.WriteString("@id", self);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
            writer.WriteString(name, value);
    }

    private const int FlushAt = 32 * 1024;
}

/// <summary>
/// A catalogue representation: 304 when the client's If-None-Match holds the current ETag, otherwise the streamed body.
/// Either way with the ETag and Cache-Control.
/// </summary>
public sealed class CatalogueResult(string representation, string contentType, string? fileName, Func<PublicCatalogue, HttpContext, Stream, Task> write)
    : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var catalogue = httpContext.RequestServices.GetRequiredService<PublicCatalogue>();
        var version = await catalogue.VersionAsync(httpContext.RequestAborted);
        var etag = PublicCatalogue.ETag(version, representation);
        var response = httpContext.Response;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = PublicCatalogue.CacheControl;
        response.Headers.Vary = HeaderNames.Accept;
        var ifNoneMatch = httpContext.Request.GetTypedHeaders().IfNoneMatch;
        // If-None-Match compares weakly (RFC 9110 13.1.2).
        if (ifNoneMatch.Any(t => t.Tag == "*" || t.Tag == etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType + "; charset=utf-8";
        if (fileName is not null)
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        var body = response.BodyWriter.AsStream(leaveOpen: true);
        try
        {
            await write(catalogue, httpContext, body);
        }
        catch (Exception) when (response.HasStarted)
        {
            // Part of the list is out: cut the response off so the client sees it is incomplete rather than short.
            httpContext.Abort();
        }
    }
}
