using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Shared;

public class EicTests
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-";

    // Published codes: area codes from the ENTSO-E EIC lists (10YGB----------A is the GB bidding
    // zone) and codes collected from public sources in the python-stdnum EIC test suite.
    public static TheoryData<string> PublishedCodes =>
    [
        "10YGB----------A",
        "10YFR-RTE------C",
        "10YDE-VE-------2",
        "10YAT-APG------L",
        "10YCH-SWISSGRIDZ",
        "10X1001A1001A450",
        "10Y1001A1001A92E",
        "10Y1001A1001B05V",
        "22XWATTPLUS----G",
        "11XWEMAG-------Q",
        "27XG-RWE-STP-CZJ",
        "59Z0000000017952",
    ];

    [Theory]
    [MemberData(nameof(PublishedCodes))]
    public void TryParse_PublishedCode_Succeeds(string code)
    {
        Assert.True(Eic.TryParse(code, out var eic));
        Assert.Equal(code, eic.Value);
        Assert.Equal(code, eic.ToString());
    }

    [Theory]
    [InlineData("10ygb----------a", "10YGB----------A")]
    [InlineData(" 10YFR-RTE------C ", "10YFR-RTE------C")]
    [InlineData("10x1001a1001a450", "10X1001A1001A450")]
    public void TryParse_LowerCaseAndSurroundingSpace_AreNormalised(string input, string expected)
    {
        Assert.True(Eic.TryParse(input, out var eic));
        Assert.Equal(expected, eic.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10YGB----------")]   // 15 characters
    [InlineData("10YGB----------AA")] // 17 characters
    [InlineData("10YGB----------B")]  // wrong check character
    [InlineData("22XWATTPLUS----X")]  // wrong check character (python-stdnum example)
    [InlineData("10YGB_---------A")]  // character outside the alphabet
    [InlineData("10YGB ---------A")]  // inner space is not a separator
    [InlineData("23X--130302DLGW-")]  // check value 36 ('-') is never issued
    public void TryParse_Invalid_Fails(string? input)
    {
        Assert.False(Eic.TryParse(input, out var eic));
        Assert.Equal(default, eic);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => Eic.Parse("10YGB----------B"));

    [Fact]
    public void Parse_Valid_NormalisesCase() =>
        Assert.Equal("10YGB----------A", Eic.Parse("10ygb----------a").Value);

    // Weights 2..16 are all non-zero modulo the prime 37 and characters differ by 1..36, so every
    // single-character substitution changes the sum modulo 37 and therefore the check character.
    [Theory]
    [MemberData(nameof(PublishedCodes))]
    public void TryParse_AnySingleCharacterChange_Fails(string code)
    {
        var changes = 0;
        for (var i = 0; i < code.Length; i++)
        {
            foreach (var c in Alphabet.Where(c => c != code[i]))
            {
                var changed = string.Concat(code.AsSpan(0, i), c.ToString(), code.AsSpan(i + 1));
                Assert.False(Eic.TryParse(changed, out _), changed);
                changes++;
            }
        }

        Assert.Equal(16 * 36, changes);
    }
}
