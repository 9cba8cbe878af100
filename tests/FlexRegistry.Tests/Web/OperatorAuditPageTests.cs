using System.Net;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Assets;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Web;

/// <summary>
/// The registry operator's audit page lists what <c>GET /api/v1/audit</c> lists, record by record, without reading a
/// batch record's resource list: an import batch shows its first resource and says it has more.
/// </summary>
public abstract class OperatorAuditPageTests(RegistryApp app)
{
    [Fact]
    public async Task AuditPage_ShowsABatchRecordAsOneRow_WithoutItsResourceList()
    {
        var (registration, fsp) = await app.RegisterAsync();
        using (fsp)
        {
            var rows = Enumerable.Range(0, 3).Select(_ => TestData.Chargepoint()).ToList();
            using var posted = await AssetImportTests.PostAsync(fsp, AssetImportTests.Ndjson(rows), "application/x-ndjson");
            var started = await posted.Read<AssetImportStatus>(HttpStatusCode.Accepted);
            Assert.Equal(3, (await AssetImportTests.WaitAsync(fsp, started.ImportId)).Registered);
            var ids = (await AssetImportTests.ResultsAsync(fsp, started.ImportId)).Select(r => r.AssetId!).ToList();
            var batch = Assert.Single((await (await fsp.GetAsync($"/api/v1/audit?resource={ids[2]}")).Read<Page<AuditRecordResponse>>()).Items);
            Assert.Equal(3, batch.ResourceIds.Count);

            using var olivia = await app.RegistryOperatorPersonAsync();
            var page = await olivia.Web.HtmlAsync($"/operator/audit?resource={ids[2]}");
            var cells = Cells(page);
            var row = Assert.Single(cells);
            Assert.Equal(batch.LeafIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), row[0]);
            Assert.StartsWith($"{batch.Action} {batch.ResourceType} {batch.ResourceId} and the rest of its batch (", row[3], StringComparison.Ordinal);
            Assert.Contains("import:" + started.ImportId, row[3], StringComparison.Ordinal);
            foreach (var other in batch.ResourceIds.Where(id => id != batch.ResourceId))
                Assert.DoesNotContain(other, string.Join(' ', row), StringComparison.Ordinal);

            // A record about one resource is not called a batch; the page lists the same records as the API, in order.
            var own = await (await olivia.Api.GetAsync($"/api/v1/audit?resource={registration.ParticipantId}")).Read<Page<AuditRecordResponse>>();
            Assert.NotEmpty(own.Items);
            var listed = Cells(await olivia.Web.HtmlAsync($"/operator/audit?resource={registration.ParticipantId}"));
            Assert.Equal(own.Items.Select(r => r.LeafIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)), listed.Select(c => c[0]));
            Assert.All(listed, c => Assert.DoesNotContain("and the rest of its batch", c[3], StringComparison.Ordinal));
        }
    }

    private static List<string[]> Cells(string html) =>
    [
        .. new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelectorAll("tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()),
    ];
}

public sealed class OperatorAuditPageTests_Sqlite(SqliteApp app) : OperatorAuditPageTests(app), IClassFixture<SqliteApp>;

public sealed class OperatorAuditPageTests_Postgres(PostgresApp app) : OperatorAuditPageTests(app), IClassFixture<PostgresApp>;
