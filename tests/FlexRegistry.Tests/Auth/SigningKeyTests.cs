using System.Security.Cryptography;
using System.Text.Json;
using FlexRegistry.Auth;
using Microsoft.Extensions.Time.Testing;

namespace FlexRegistry.Tests.Auth;

/// <summary>The signing-key schedule (rollover with overlap) and the key file shared by instances.</summary>
public sealed class SigningKeyTests : IDisposable
{
    private static readonly TimeSpan RetireAfter = TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("flexreg-keys-").FullName;
    private readonly SigningKeyOptions _options = new() { RotateEvery = TimeSpan.FromDays(10), PublishAhead = TimeSpan.FromDays(1) };

    private string KeyFile => Path.Combine(_directory, "keys.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void OnSchedule_TheSuccessorIsPublishedAhead_SignsOnTime_AndThePredecessorRetiresWhenItsTokensHaveExpired()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var keys = new SigningKeys(KeyFile, _options, RetireAfter, time);
        var first = keys.Active(time.GetUtcNow());

        time.Advance(TimeSpan.FromDays(8));
        Assert.Null(keys.RotateIfDue());
        Assert.Single(keys.Published(time.GetUtcNow()));

        time.Advance(TimeSpan.FromDays(1));
        var next = keys.RotateIfDue();
        Assert.NotNull(next);
        Assert.Equal(first.ActivatesAt + _options.RotateEvery, next.ActivatesAt);
        Assert.Equal([(first.KeyId, SigningKeyState.Active), (next.KeyId, SigningKeyState.Next)], keys.Published(time.GetUtcNow()).Select(k => (k.Key.KeyId, k.State)));
        Assert.Equal(first.KeyId, keys.Active(time.GetUtcNow()).KeyId);
        Assert.Null(keys.RotateIfDue()); // one successor at a time

        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(next.KeyId, keys.Active(time.GetUtcNow()).KeyId);
        Assert.Equal([(first.KeyId, SigningKeyState.Retiring), (next.KeyId, SigningKeyState.Active)], keys.Published(time.GetUtcNow()).Select(k => (k.Key.KeyId, k.State)));

        time.Advance(RetireAfter);
        Assert.Null(keys.RotateIfDue());
        Assert.Equal([next.KeyId], keys.Published(time.GetUtcNow()).Select(k => k.Key.KeyId));
        Assert.DoesNotContain(first.KeyId, File.ReadAllText(KeyFile), StringComparison.Ordinal);
        // The audit checkpoint key does not rotate.
        Assert.Equal(first.KeyId, keys.AuditKey.KeyId);
    }

    [Fact]
    public void InstancesSharingTheKeyFile_SeeEachOthersRotations()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var a = new SigningKeys(KeyFile, _options, RetireAfter, time);
        var b = new SigningKeys(KeyFile, _options, RetireAfter, time);
        Assert.Equal(a.Active(time.GetUtcNow()).KeyId, b.Active(time.GetUtcNow()).KeyId);
        var next = a.Rotate(immediately: false);
        Assert.Contains(b.Published(time.GetUtcNow()), k => k.Key.KeyId == next.KeyId && k.State == SigningKeyState.Next);
        var emergency = b.Rotate(immediately: true);
        Assert.Equal(emergency.KeyId, Assert.Single(a.Published(time.GetUtcNow())).Key.KeyId);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
    }

    [Fact]
    public void AKeyFileFromBeforeRollover_KeepsItsKey_ForTokensAndAuditCheckpoints()
    {
        using var rsa = RSA.Create(2048);
        File.WriteAllText(KeyFile, JsonSerializer.Serialize(new { SigningKeyPem = rsa.ExportPkcs8PrivateKeyPem(), EncryptionKey = Convert.ToBase64String(new byte[32]) }));
        var keys = new SigningKeys(KeyFile, _options, RetireAfter, TimeProvider.System);
        var kid = SigningKeys.KeyIdOf(rsa);
        Assert.Equal(kid, keys.Active(TimeProvider.System.GetUtcNow()).KeyId);
        Assert.Equal(kid, keys.AuditKey.KeyId);
        Assert.Contains("\"version\": 2", File.ReadAllText(KeyFile), StringComparison.Ordinal);
    }
}
