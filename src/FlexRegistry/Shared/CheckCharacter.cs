using System.Security.Cryptography;

namespace FlexRegistry.Shared;

/// <summary>
/// The register's check character: a weighted sum modulo 37 (the scheme of the EIC), with weights n+1 … 2 over an
/// n-character body and 1 on the check itself. Because 37 is prime and neighbouring weights differ, every
/// single-character substitution and every transposition of two adjacent characters changes the sum, so it is
/// detected. The check is one of 0-9A-Z (value 0–35); bodies whose check value would be 36 are never issued.
/// </summary>
public static class CheckCharacter
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>Crockford's base 32: no I, L, O or U, so IDs read aloud or written by hand are not misread.</summary>
    public const string BodyAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>
    /// Each character's value in <see cref="Alphabet"/> (-1 when absent), and whether it is in <see cref="BodyAlphabet"/>:
    /// every ID read from the database is parsed, so the lookups are a table, not a search of the alphabet.
    /// </summary>
    private static readonly sbyte[] Values = Table(c => (sbyte)Alphabet.IndexOf(c, StringComparison.Ordinal));

    private static readonly sbyte[] InBody = Table(c => (sbyte)(BodyAlphabet.Contains(c, StringComparison.Ordinal) ? 1 : 0));

    private static sbyte[] Table(Func<char, sbyte> of) => [.. Enumerable.Range(0, 128).Select(c => of((char)c))];

    private static int ValueOf(char c) => c < 128 ? Values[c] : -1;

    /// <summary>Whether <paramref name="c"/> is one of <see cref="BodyAlphabet"/>'s characters.</summary>
    public static bool IsBodyCharacter(char c) => c < 128 && InBody[c] == 1;

    /// <summary>The check character for <paramref name="body"/>, or false when its value would be 36 (not issuable).</summary>
    public static bool TryCompute(ReadOnlySpan<char> body, out char check)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var value = ValueOf(body[i]);
            if (value < 0)
                throw new ArgumentException($"'{body[i]}' is not in the check alphabet.", nameof(body));
            sum += value * (body.Length + 1 - i);
        }
        var checkValue = (37 - (sum % 37)) % 37;
        check = checkValue < 36 ? Alphabet[checkValue] : '\0';
        return checkValue < 36;
    }

    public static bool IsValid(ReadOnlySpan<char> bodyWithCheck) =>
        bodyWithCheck.Length >= 2 &&
        IsAlphanumeric(bodyWithCheck) &&
        TryCompute(bodyWithCheck[..^1], out var check) &&
        check == bodyWithCheck[^1];

    /// <summary>Random characters from <see cref="BodyAlphabet"/> drawn from the OS CSPRNG: IDs are neither sequential nor guessable.</summary>
    public static string RandomBody(int length) => RandomNumberGenerator.GetString(BodyAlphabet, length);

    private static bool IsAlphanumeric(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (ValueOf(c) < 0)
                return false;
        }
        return true;
    }
}
