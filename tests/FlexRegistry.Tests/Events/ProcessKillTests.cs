using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Npgsql;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// BUC.2 step 8 with a real crash: the service runs as a separate process, is killed with SIGKILL while a webhook is
/// in flight, and restarted on the same database. Every event is then delivered at least once, in order, and the one
/// that was in flight goes out again with the same webhook-id.
/// </summary>
public abstract class ProcessKillTests
{
    protected abstract string Provider { get; }

    protected abstract Task<string> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    [Fact]
    public async Task BUC2_Step8_KilledWithDeliveriesInFlight_AfterRestartEveryEventIsDeliveredWithTheSameWebhookIds()
    {
        var connectionString = await CreateDatabaseAsync();
        await using var receiver = new WebhookReceiver();
        try
        {
            var url = receiver.NewUrl();
            receiver.Hold(url);
            List<string> updates;
            using (var first = RegistryProcess.Start(Provider, connectionString))
            {
                using var http = await first.ReadyAsync();
                using var registered = await http.PostAsJsonAsync("/api/v1/participants", TestData.Registration());
                var registration = await registered.Read<RegisterParticipantResponse>(HttpStatusCode.Created);
                await RegistryProcess.AuthenticateAsync(http, registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!);
                await http.SubscribeAsync(url);
                for (var i = 0; i < 3; i++)
                    await http.UpdateCommercialInformationAsync(registration.ParticipantId);
                var (feed, _) = await http.ReadFeedAsync(types: EventTestData.Updated);
                updates = [.. feed.Select(e => e.Id)];
                Assert.Equal(3, updates.Count);

                // The first webhook has reached the receiver, which has not answered yet: kill the service now.
                await EventTestData.Eventually(() => Task.FromResult(receiver.At(url)), r => r.Count >= 1, 60);
                Assert.Single(receiver.At(url));
                first.Kill();
            }
            receiver.Release(url);

            using var second = RegistryProcess.Start(Provider, connectionString);
            using (await second.ReadyAsync())
            {
                var received = await EventTestData.Eventually(() => Task.FromResult(receiver.At(url)), r => r.Count(w => w.Answered == 204) >= 3, 60);
                Assert.Equal(updates, received.Where(w => w.Answered == 204).Select(w => w.Id));
                Assert.Equal(updates[0], received[0].Id);
            }
        }
        finally
        {
            await DropDatabaseAsync();
        }
    }

    /// <summary>The service as a separate OS process (the built FlexRegistry.dll), configured by environment.</summary>
    internal sealed class RegistryProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly Uri _baseUrl;

        private RegistryProcess(Process process, Uri baseUrl)
        {
            _process = process;
            _baseUrl = baseUrl;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        private void Append(string? line)
        {
            lock (_output)
                _output.AppendLine(line);
        }

        public static RegistryProcess Start(string provider, string connectionString, IReadOnlyDictionary<string, string>? settings = null)
        {
            var port = FreePort();
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FlexRegistry.dll"));
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(baseUrl.ToString().TrimEnd('/'));
            start.Environment["Database__Provider"] = provider;
            start.Environment["Database__ConnectionString"] = connectionString;
            start.Environment["Registry__OperatorClientSecret"] = RegistryApp.OperatorSecret;
            start.Environment["Auth__KeyFile"] = "";
            start.Environment["RateLimits__Enabled"] = "false";
            start.Environment["Webhooks__AllowPrivateNetworks"] = "true";
            start.Environment["Webhooks__PollInterval"] = "00:00:00.100";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
                start.Environment[key] = value;
            return new RegistryProcess(Process.Start(start)!, baseUrl);
        }

        public async Task<HttpClient> ReadyAsync()
        {
            var http = new HttpClient { BaseAddress = _baseUrl };
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                Assert.False(_process.HasExited, "The service exited: " + Output);
                try
                {
                    using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    if (ready.IsSuccessStatusCode)
                        return http;
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                await Task.Delay(200);
            }
            http.Dispose();
            Assert.Fail("The service did not become ready: " + Output);
            throw new InvalidOperationException();
        }

        public static async Task AuthenticateAsync(HttpClient http, string clientId, string secret)
        {
            using var token = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
            }));
            var body = await token.Read<Dictionary<string, object>>();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body["access_token"].ToString());
        }

        /// <summary>SIGKILL: no shutdown hooks, no flushing, no graceful stop.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        private string Output
        {
            get
            {
                lock (_output)
                    return _output.ToString();
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                Kill();
            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

public sealed class ProcessKillTests_Sqlite : ProcessKillTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flexreg-kill-").FullName;

    protected override string Provider => "Sqlite";

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult($"Data Source={Path.Combine(_directory, "registry.db")}");

    protected override Task DropDatabaseAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class ProcessKillTests_Postgres : ProcessKillTests
{
    private readonly string _database = "flexreg_kill_" + Guid.NewGuid().ToString("N")[..12];

    protected override string Provider => "Postgres";

    protected override async Task<string> CreateDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresApp.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(PostgresApp.ServerConnectionString) { Database = _database }.ToString();
    }

    protected override async Task DropDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresApp.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
