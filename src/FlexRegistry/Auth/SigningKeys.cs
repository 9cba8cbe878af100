using System.Security.Cryptography;
using System.Text.Json;
using FlexRegistry.Audit;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Auth;

/// <summary>Configuration section <c>Auth:SigningKeys</c>: the rollover schedule of the token signing keys.</summary>
public sealed class SigningKeyOptions
{
    /// <summary>A key signs tokens for this long; then its successor, published <see cref="PublishAhead"/> earlier, takes over.</summary>
    public TimeSpan RotateEvery { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// A new key is in the JWKS this long before it signs anything, so that resource servers caching the JWKS know it
    /// before the first token signed with it arrives.
    /// </summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How often the schedule is checked and the key file read again (another instance may have rotated).</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>One token signing key and its schedule. It signs from <see cref="ActivatesAt"/> until a younger key activates.</summary>
public sealed record SigningKey(string KeyId, RsaSecurityKey Key, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt);

/// <summary>Where a key stands at a moment: about to sign (published ahead), signing, or retiring (still accepted).</summary>
public enum SigningKeyState
{
    Next,
    Active,
    Retiring,
}

/// <summary>
/// The token signing keys with rollover (RFC 7517 key sets, RFC 8725 §3.2): at any moment exactly one key signs new
/// access tokens (PS256); its successor is published in the JWKS <see cref="SigningKeyOptions.PublishAhead"/> before it
/// takes over, and a predecessor stays published and accepted until every token it signed has expired (access-token
/// lifetime plus the clock skew). Rotation happens on schedule (<see cref="RotateIfDue"/>, run by
/// <see cref="SigningKeyRotation"/>) and on demand (<see cref="Rotate"/>, the registry operator's endpoint; an
/// emergency rotation activates the new key at once and drops the others). The keys live in <c>Auth:KeyFile</c> (mode
/// 0600), which every instance reads again when it changes, so instances sharing the file agree; without a file they
/// are kept in memory (tests). The audit checkpoint key is separate and never rotates: old checkpoints stay verifiable.
/// </summary>
public sealed class SigningKeys
{
    public const string Algorithm = SecurityAlgorithms.RsaSsaPssSha256;

    private readonly string? _path;
    private readonly SigningKeyOptions _options;
    private readonly TimeSpan _retireAfter;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private State _state;
    private DateTime _fileStamp;

    private sealed record StoredKey(string KeyId, string PrivateKeyPem, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt);

    private sealed record KeyFile(int Version, List<StoredKey> SigningKeys, string AuditKeyPem, string EncryptionKey);

    /// <summary>The key file before rollover: one key, which signed both tokens and audit checkpoints.</summary>
    private sealed record LegacyKeyFile(string? SigningKeyPem, string? EncryptionKey);

    private sealed record State(IReadOnlyList<SigningKey> Keys, AuditSigningKey Audit, SecurityKey Encryption, KeyFile Stored);

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public SigningKeys(string? path, SigningKeyOptions options, TimeSpan retireAfter, TimeProvider time)
    {
        _path = string.IsNullOrWhiteSpace(path) ? null : path;
        _options = options;
        _retireAfter = retireAfter;
        _time = time;
        _state = _path is null ? Materialise(NewFile(time.GetUtcNow())) : LoadOrCreate(_path, time.GetUtcNow());
    }

    /// <summary>Signs audit checkpoints; published in the JWKS under its own <c>kid</c>, and never accepted for access tokens.</summary>
    public AuditSigningKey AuditKey => _state.Audit;

    /// <summary>OpenIddict's encryption key (access tokens are not encrypted; other tokens the server may make are).</summary>
    public SecurityKey EncryptionKey => _state.Encryption;

    /// <summary>The key that signs new tokens now.</summary>
    public SigningKey Active(DateTimeOffset now) => ActiveOf(Current().Keys, now);

    /// <summary>Keys published and accepted now, with their state: the next one (if published ahead), the active one, the retiring ones.</summary>
    public IReadOnlyList<(SigningKey Key, SigningKeyState State)> Published(DateTimeOffset now)
    {
        var keys = Current().Keys;
        var active = ActiveOf(keys, now);
        var result = new List<(SigningKey, SigningKeyState)>();
        foreach (var key in keys)
        {
            if (key.ActivatesAt > now)
                result.Add((key, SigningKeyState.Next));
            else if (key == active)
                result.Add((key, SigningKeyState.Active));
            else if (SuccessorActivation(keys, key) is { } replacedAt && replacedAt + _retireAfter > now)
                result.Add((key, SigningKeyState.Retiring));
        }
        return result;
    }

    /// <summary>
    /// Makes a new key. Normally it is published now and signs from <see cref="SigningKeyOptions.PublishAhead"/> on, the
    /// current key retiring after that; <paramref name="immediately"/> (a key is compromised) makes it sign at once and
    /// drops every other key, so tokens they signed stop working.
    /// </summary>
    public SigningKey Rotate(bool immediately)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var key = NewStoredKey(now, immediately ? now : now + _options.PublishAhead);
            var state = Update(now, stored => stored with { SigningKeys = [.. immediately ? [] : Prune(stored.SigningKeys, now), key] });
            return state.Keys.First(k => k.KeyId == key.KeyId);
        }
    }

    /// <summary>
    /// The schedule: when no successor is published yet and the active key has signed for
    /// <see cref="SigningKeyOptions.RotateEvery"/> less <see cref="SigningKeyOptions.PublishAhead"/>, a successor is made;
    /// keys that have retired are dropped from the file. Returns the new key, if one was made.
    /// </summary>
    public SigningKey? RotateIfDue()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var keys = Current().Keys;
            var active = ActiveOf(keys, now);
            var due = keys.All(k => k.ActivatesAt <= now) && active.ActivatesAt + _options.RotateEvery - _options.PublishAhead <= now;
            var retired = Prune(_state.Stored.SigningKeys, now).Count != _state.Stored.SigningKeys.Count;
            if (!due && !retired)
                return null;
            var successor = due ? NewStoredKey(now, Max(now, active.ActivatesAt + _options.RotateEvery)) : null;
            var state = Update(now, stored => stored with
            {
                SigningKeys = successor is null ? Prune(stored.SigningKeys, now) : [.. Prune(stored.SigningKeys, now), successor],
            });
            return successor is null ? null : state.Keys.First(k => k.KeyId == successor.KeyId);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static SigningKey ActiveOf(IReadOnlyList<SigningKey> keys, DateTimeOffset now) =>
        keys.Where(k => k.ActivatesAt <= now).MaxBy(k => k.ActivatesAt) ?? keys.MinBy(k => k.ActivatesAt)!;

    private static DateTimeOffset? SuccessorActivation(IReadOnlyList<SigningKey> keys, SigningKey key) =>
        keys.Where(k => k.ActivatesAt > key.ActivatesAt).Select(k => (DateTimeOffset?)k.ActivatesAt).Min();

    /// <summary>Drops keys whose successor has been active longer than every token they signed can live.</summary>
    private List<StoredKey> Prune(List<StoredKey> keys, DateTimeOffset now) =>
        [.. keys.Where(k => keys.Where(o => o.ActivatesAt > k.ActivatesAt && o.ActivatesAt <= now)
            .All(o => o.ActivatesAt + _retireAfter > now))];

    /// <summary>Applies a change to the stored keys and writes them (under the file lock, re-reading first).</summary>
    private State Update(DateTimeOffset now, Func<KeyFile, KeyFile> change)
    {
        if (_path is null)
            return _state = Materialise(change(_state.Stored));
        using var fileLock = AcquireFileLock(_path);
        var stored = File.Exists(_path) ? Read(_path, now) : _state.Stored;
        var updated = change(stored);
        Write(_path, updated);
        _fileStamp = File.GetLastWriteTimeUtc(_path);
        return _state = Materialise(updated);
    }

    /// <summary>The keys as they are now: the file is read again when another instance (or an operator) changed it.</summary>
    private State Current()
    {
        if (_path is null)
            return _state;
        var stamp = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : default;
        if (stamp == _fileStamp)
            return _state;
        lock (_gate)
        {
            stamp = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : default;
            if (stamp != _fileStamp && stamp != default)
            {
                _state = Materialise(Read(_path, _time.GetUtcNow()));
                _fileStamp = stamp;
            }
            return _state;
        }
    }

    private State LoadOrCreate(string path, DateTimeOffset now)
    {
        using var fileLock = AcquireFileLock(path);
        KeyFile stored;
        if (File.Exists(path))
        {
            stored = Read(path, now);
            if (stored.Version < 2)
                Write(path, stored = stored with { Version = 2 });
        }
        else
        {
            Write(path, stored = NewFile(now));
        }
        _fileStamp = File.GetLastWriteTimeUtc(path);
        return Materialise(stored);
    }

    private static KeyFile NewFile(DateTimeOffset now)
    {
        var first = NewStoredKey(now, now);
        // The first key signs both until the first rotation; after that the audit key stays and the token keys move on.
        return new KeyFile(2, [first], first.PrivateKeyPem, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    private static StoredKey NewStoredKey(DateTimeOffset createdAt, DateTimeOffset activatesAt)
    {
        using var rsa = RSA.Create(2048);
        return new StoredKey(KeyIdOf(rsa), rsa.ExportPkcs8PrivateKeyPem(), createdAt, activatesAt);
    }

    private static KeyFile Read(string path, DateTimeOffset now)
    {
        var text = File.ReadAllText(path);
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.TryGetProperty("signingKeyPem", out _) || document.RootElement.TryGetProperty("SigningKeyPem", out _))
        {
            // Written before rollover existed: its one key becomes the audit key and the first token key.
            var legacy = JsonSerializer.Deserialize<LegacyKeyFile>(text, FileJson)
                         ?? throw new InvalidOperationException($"The key file {path} is empty.");
            using var rsa = RSA.Create();
            rsa.ImportFromPem(legacy.SigningKeyPem);
            var since = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
            return new KeyFile(1, [new StoredKey(KeyIdOf(rsa), legacy.SigningKeyPem!, since, since)], legacy.SigningKeyPem!,
                legacy.EncryptionKey ?? throw new InvalidOperationException($"The key file {path} has no encryption key."));
        }
        var stored = JsonSerializer.Deserialize<KeyFile>(text, FileJson) ?? throw new InvalidOperationException($"The key file {path} is empty.");
        if (stored.SigningKeys is not { Count: > 0 })
            throw new InvalidOperationException($"The key file {path} holds no signing key.");
        return stored;
    }

    private static void Write(string path, KeyFile stored)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
            Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(stored, FileJson));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // A rename: readers see the old file or the new one, never half of one.
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Serialises rotations of instances sharing the key file; held only while the file is read and written.</summary>
    private static FileStream AcquireFileLock(string path)
    {
        var lockPath = path + ".lock";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static State Materialise(KeyFile stored)
    {
        var keys = stored.SigningKeys.OrderBy(k => k.ActivatesAt).ThenBy(k => k.CreatedAt)
            .Select(k => new SigningKey(k.KeyId, new RsaSecurityKey(Import(k.PrivateKeyPem)) { KeyId = k.KeyId }, k.CreatedAt, k.ActivatesAt))
            .ToList();
        var audit = Import(stored.AuditKeyPem);
        return new State(keys, new AuditSigningKey(audit, KeyIdOf(audit)), new SymmetricSecurityKey(Convert.FromBase64String(stored.EncryptionKey)), stored);
    }

    private static RSA Import(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    /// <summary>The first 16 characters of the base64url SHA-256 of the public key: stable across restarts and instances.</summary>
    public static string KeyIdOf(RSA rsa) => Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
}
