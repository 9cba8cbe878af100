using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Shared;

public class MpanTests
{
    // 1312345678907: the MPAN core in the limejump/mpan README example ("001112221312345678907").
    // The others are synthetic cores whose check digits were computed independently of this code.
    [Theory]
    [InlineData("1312345678907")]
    [InlineData("2222222222228")]
    [InlineData("1200023305967")]
    [InlineData("1234567890000")]
    public void TryParse_ValidCore_Succeeds(string input)
    {
        Assert.True(Mpan.TryParse(input, out var mpan));
        Assert.Equal(input, mpan.Value);
        Assert.Equal(input, mpan.ToString());
    }

    [Theory]
    [InlineData("13 1234 5678 907", "1312345678907")]
    [InlineData("13-1234-5678-907", "1312345678907")]
    [InlineData("  1312345678907 ", "1312345678907")]
    [InlineData("12 0002 3305 967", "1200023305967")]
    public void TryParse_SeparatorsAndSurroundingSpace_AreRemoved(string input, string expected)
    {
        Assert.True(Mpan.TryParse(input, out var mpan));
        Assert.Equal(expected, mpan.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("131234567890")]          // 12 digits
    [InlineData("13123456789070")]        // 14 digits
    [InlineData("1312345678906")]         // wrong check digit
    [InlineData("1312345678908")]         // wrong check digit
    [InlineData("2499999999990")]         // wrong check digit (limejump/mpan invalid example)
    [InlineData("131234567890A")]
    [InlineData("13.1234.5678.907")]      // only spaces and hyphens are separators
    [InlineData("001112221312345678907")] // full 21-digit MPAN, not a core
    public void TryParse_Invalid_Fails(string? input)
    {
        Assert.False(Mpan.TryParse(input, out var mpan));
        Assert.Equal(default, mpan);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException()
    {
        var ex = Assert.Throws<FormatException>(() => Mpan.Parse("1312345678906"));
        Assert.Contains("1312345678906", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Valid_ReturnsEqualValueToTryParse()
    {
        Assert.True(Mpan.TryParse("1312345678907", out var parsed));
        Assert.Equal(parsed, Mpan.Parse("13 1234 5678 907"));
    }

    [Theory]
    [InlineData("1312345678907", 13, true)]
    [InlineData("1000000000100", 10, true)]
    [InlineData("2300000000000", 23, true)]
    [InlineData("2222222222228", 22, true)]
    [InlineData(null, 0, false)]
    public void DistributorId_IsFirstTwoDigits(string? core, int expected, bool gb)
    {
        var mpan = core is null ? default : Mpan.Parse(core);
        Assert.Equal(expected, mpan.DistributorId);
        Assert.Equal(gb, mpan.HasGbDistributorId);
    }

    [Theory]
    [InlineData("09")]
    [InlineData("24")] // IDNO distributor IDs are valid cores but not one of the 14 DNO licence areas
    [InlineData("99")]
    public void HasGbDistributorId_OutsideTenToTwentyThree_IsFalseButCoreParses(string distributor)
    {
        var core = Mpan.WithCheckDigit(distributor + "0012345678");

        Assert.True(Mpan.TryParse(core, out var mpan));
        Assert.False(mpan.HasGbDistributorId);
    }

    [Theory]
    [InlineData("131234567890", "1312345678907")]
    [InlineData("222222222222", "2222222222228")]
    [InlineData("123456789000", "1234567890000")]
    public void WithCheckDigit_AppendsTheCheckDigit(string first12, string expected) =>
        Assert.Equal(expected, Mpan.WithCheckDigit(first12));

    [Theory]
    [InlineData("13123456789")]
    [InlineData("1312345678901")]
    [InlineData("13123456789A")]
    public void WithCheckDigit_NotTwelveDigits_Throws(string first12) =>
        Assert.Throws<ArgumentException>(() => Mpan.WithCheckDigit(first12));

    // Each weight is a prime other than 11 and a digit changes by 1..9, so any single change to the
    // first 12 digits changes the sum modulo 11. The final "mod 10" folds residues 0 and 10 onto
    // check digit 0, so only cores whose check digit is 1..9 detect every single-digit change.
    [Theory]
    [InlineData("1312345678907")]
    [InlineData("2222222222228")]
    [InlineData("1200023305967")]
    public void TryParse_AnySingleDigitChange_FailsWhenCheckDigitIsNotZero(string valid)
    {
        var accepted = SingleDigitChanges(valid).Where(m => Mpan.TryParse(m, out _)).ToList();

        Assert.Empty(accepted);
    }

    // With check digit 0 the sum is 0 or 10 modulo 11, and a change that moves it to the other value
    // goes undetected. The accepted changes below were computed independently (one per position
    // where a digit value reaches the other residue) and pin the algorithm's true weakness.
    [Fact]
    public void TryParse_SingleDigitChangesOfCheckDigitZeroCore_AcceptsExactlyTheResidueCollisions()
    {
        const string valid = "1234567890000"; // sum of weighted digits is 0 modulo 11
        string[] expected =
        [
            "8234567890000", "1434567890000", "1264567890000", "1239567890000", "1234367890000",
            "1234566890000", "1234567090000", "1234567840000", "1234567898000", "1234567890400",
            "1234567890010",
        ];

        var accepted = SingleDigitChanges(valid).Where(m => Mpan.TryParse(m, out _)).ToList();

        Assert.Equal(expected.Order(StringComparer.Ordinal), accepted.Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> SingleDigitChanges(string valid)
    {
        for (var i = 0; i < valid.Length; i++)
        {
            for (var d = '0'; d <= '9'; d++)
            {
                if (d != valid[i])
                    yield return string.Concat(valid.AsSpan(0, i), d.ToString(), valid.AsSpan(i + 1));
            }
        }
    }
}
