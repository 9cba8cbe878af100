using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Web;

/// <summary>The service's own copy of GOV.UK Frontend is exactly what the locked npm packages build.</summary>
public sealed class FrontendAssetTests
{
    [Fact]
    public async Task CheckedInWwwroot_IsWhatTheLockedGovukFrontendBuilds()
    {
        var frontend = Path.Combine(Repository.Root, "src", "FlexRegistry", "Frontend");
        if (!Directory.Exists(Path.Combine(frontend, "node_modules", "govuk-frontend")))
            Assert.Fail($"{frontend}/node_modules is missing: run `npm ci --prefix src/FlexRegistry/Frontend` (test.sh does).");
        var output = Directory.CreateTempSubdirectory("flexreg-frontend-");
        try
        {
            var start = new ProcessStartInfo("node") { WorkingDirectory = frontend, RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add("build.mjs");
            start.ArgumentList.Add(output.FullName);
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, "npm run build failed: " + await errors);

            var wwwroot = Path.Combine(Repository.Root, "src", "FlexRegistry", "wwwroot");
            var built = Directory.GetFiles(output.FullName, "*", SearchOption.AllDirectories);
            Assert.True(built.Length >= 5, "the build wrote almost nothing");
            foreach (var file in built)
            {
                var relative = Path.GetRelativePath(output.FullName, file);
                var checkedIn = Path.Combine(wwwroot, relative);
                Assert.True(File.Exists(checkedIn), $"wwwroot/{relative} is missing: run `npm run build` in src/FlexRegistry/Frontend and commit");
                var expected = await File.ReadAllBytesAsync(file);
                var actual = await File.ReadAllBytesAsync(checkedIn);
                Assert.True(expected.SequenceEqual(actual),
                    $"wwwroot/{relative} differs from what the locked packages build: run `npm ci && npm run build` in src/FlexRegistry/Frontend and commit");
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}

/// <summary>A fixture that sends mail to a local SMTP server and keeps its Data Protection certificate in a file.</summary>
public sealed class MailSqliteApp : SqliteApp
{
    public FakeSmtpServer Mail { get; } = new();
    public string CertificateFile { get; } = Path.Combine(Path.GetTempPath(), $"flexreg-dp-{Guid.NewGuid():N}.pfx");

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [.. Mail.Settings, new("DataProtection:CertificateFile", CertificateFile)];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Mail.DisposeAsync();
        File.Delete(CertificateFile);
    }
}

public sealed class MailPostgresApp : PostgresApp
{
    public FakeSmtpServer Mail { get; } = new();
    public string CertificateFile { get; } = Path.Combine(Path.GetTempPath(), $"flexreg-dp-{Guid.NewGuid():N}.pfx");

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [.. Mail.Settings, new("DataProtection:CertificateFile", CertificateFile)];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Mail.DisposeAsync();
        File.Delete(CertificateFile);
    }
}

/// <summary>
/// Data Protection keys in the register's database, encrypted at rest and shared by instances; invitations emailed
/// through the SMTP adapter to a real (local) SMTP server; static assets served by the service itself.
/// </summary>
public abstract class WebPlatformTests(RegistryApp app, FakeSmtpServer mail)
{
    [Fact]
    public async Task DataProtectionKeys_AreInTheDatabase_EncryptedWithTheCertificate_AndSharedByInstances()
    {
        using var person = await app.SignedInPersonAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlexRegistry.Persistence.RegistryDbContext>();
            var keys = await db.DataProtectionKeys.AsNoTracking().ToListAsync();
            Assert.NotEmpty(keys);
            Assert.All(keys, k =>
            {
                Assert.Contains("encryptedSecret", k.Xml, StringComparison.Ordinal);
                Assert.Contains("X509Certificate", k.Xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<masterKey", k.Xml, StringComparison.Ordinal);
            });
        }
        // A second instance on the same database and certificate honours the first one's session cookie.
        await using var second = app.WithWebHostBuilder(b => b.UseSetting("Logging:LogLevel:Default", "Warning"));
        using var client = second.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", string.Join("; ", WebSessions.Cookies(person.Web).GetCookies(new Uri("http://localhost/")).Select(c => $"{c.Name}={c.Value}")));
        using var dashboard = await client.GetAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task BUC4_Step4_Invitation_IsEmailedThroughSmtp_WithTheLinkThatAcceptsIt()
    {
        var (registration, admin) = await app.RegisterAsync();
        using (admin)
        {
            var email = $"sam{Guid.NewGuid():N}"[..12] + "@flex.example";
            using var invited = await admin.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/users",
                new InviteUserRequest { Email = email, Name = "Sam Smith", Permissions = ["participants:read"] });
            var invitation = await invited.Read<InviteUserResponse>(HttpStatusCode.Created);
            Assert.True(invitation.EmailSent);
            var message = await mail.WaitForAsync(email, "You are invited");
            var link = FakeSmtpServer.LinkIn(message, "/account/accept");
            Assert.Equal(invitation.InvitationToken, System.Web.HttpUtility.ParseQueryString(link.Query)["token"]);
            Assert.DoesNotContain("Sam Smith", message.Subject, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StaticAssets_AreServedByTheService_AndPagesReferenceNothingElsewhere()
    {
        using var client = app.WebClient();
        foreach (var (path, type) in new[] { ("/css/app.css", "text/css"), ("/js/govuk-frontend.min.js", "text/javascript"), ("/js/app.js", "text/javascript"), ("/assets/images/favicon.ico", "image/x-icon") })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        }
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await client.HtmlAsync("/"));
        var references = page.QuerySelectorAll("link[href], script[src], img[src]").Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.StartsWith("/", r, StringComparison.Ordinal));
    }
}

public sealed class WebPlatformTests_Sqlite(MailSqliteApp app) : WebPlatformTests(app, app.Mail), IClassFixture<MailSqliteApp>;

public sealed class WebPlatformTests_Postgres(MailPostgresApp app) : WebPlatformTests(app, app.Mail), IClassFixture<MailPostgresApp>;

/// <summary>The default run's mailbox: a pickup folder of .eml files.</summary>
public sealed class PickupFolderTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task WithoutSmtp_EmailsAreWrittenToThePickupFolder()
    {
        var (registration, admin) = await app.RegisterAsync();
        using (admin)
        {
            var email = $"pip{Guid.NewGuid():N}"[..12] + "@flex.example";
            var invitation = await (await admin.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/users",
                new InviteUserRequest { Email = email, Name = "Pip", Permissions = ["participants:read"] })).Read<InviteUserResponse>(HttpStatusCode.Created);
            Assert.True(invitation.EmailSent);
            var messages = Directory.GetFiles(app.MailDirectory, "*.eml").Select(f => MimeKit.MimeMessage.Load(f)).ToList();
            var message = Assert.Single(messages, m => m.To.Mailboxes.Any(a => a.Address == email));
            Assert.Contains(Uri.EscapeDataString(invitation.InvitationToken), message.TextBody, StringComparison.Ordinal);
        }
    }
}
