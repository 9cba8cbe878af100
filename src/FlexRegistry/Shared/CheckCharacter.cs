using System.Security.Cryptography;

namespace FlexRegistry.Shared;

/// <summary>
/// ISO/IEC 7064 MOD 37,36 (hybrid system) over the alphabet 0-9A-Z. It detects every single-character
/// substitution and every transposition of two adjacent characters, which is why the register's own IDs use it.
/// </summary>
public static class CheckCharacter
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>Crockford's base 32: no I, L, O or U, so IDs read aloud or written by hand are not misread.</summary>
    public const string BodyAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static char Compute(ReadOnlySpan<char> body)
    {
        const int m = 36;
        var p = m;
        foreach (var c in body)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
                throw new ArgumentException($"'{c}' is not in the check alphabet.", nameof(body));
            var s = (p + value) % m;
            if (s == 0)
                s = m;
            p = s * 2 % (m + 1);
        }
        return Alphabet[(m + 1 - p) % m];
    }

    public static bool IsValid(ReadOnlySpan<char> bodyWithCheck) =>
        bodyWithCheck.Length >= 2 &&
        IsAlphanumeric(bodyWithCheck) &&
        Compute(bodyWithCheck[..^1]) == bodyWithCheck[^1];

    /// <summary>Random characters from <see cref="BodyAlphabet"/> drawn from the OS CSPRNG: IDs are neither sequential nor guessable.</summary>
    public static string RandomBody(int length) => RandomNumberGenerator.GetString(BodyAlphabet, length);

    private static bool IsAlphanumeric(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (Alphabet.IndexOf(c, StringComparison.Ordinal) < 0)
                return false;
        }
        return true;
    }
}
