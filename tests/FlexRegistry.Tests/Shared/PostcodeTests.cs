using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Shared;

public class PostcodeTests
{
    [Theory]
    [InlineData("M1 1AE", "M1", "1AE", "M")]           // A9
    [InlineData("B33 8TH", "B33", "8TH", "B")]         // A99
    [InlineData("W1A 0AX", "W1A", "0AX", "W")]         // A9A
    [InlineData("CR2 6XH", "CR2", "6XH", "CR")]        // AA9
    [InlineData("DN55 1PT", "DN55", "1PT", "DN")]      // AA99
    [InlineData("SW1A 1AA", "SW1A", "1AA", "SW")]      // AA9A
    [InlineData("EC1A 1BB", "EC1A", "1BB", "EC")]
    [InlineData("GIR 0AA", "GIR", "0AA", "GIR")]
    public void TryParse_EachShape_SplitsIntoParts(string input, string outward, string inward, string area)
    {
        Assert.True(Postcode.TryParse(input, out var postcode));
        Assert.Equal(input, postcode.Value);
        Assert.Equal(input, postcode.ToString());
        Assert.Equal(outward, postcode.Outward);
        Assert.Equal(outward, postcode.District);
        Assert.Equal(inward, postcode.Inward);
        Assert.Equal(area, postcode.Area);
    }

    [Theory]
    [InlineData("sw1a1aa", "SW1A 1AA")]
    [InlineData("  SW1A   1AA ", "SW1A 1AA")]
    [InlineData("SW1A\t1AA", "SW1A 1AA")]
    [InlineData("s w 1 a 1 a a", "SW1A 1AA")]
    [InlineData("m11ae", "M1 1AE")]
    [InlineData("gir0aa", "GIR 0AA")]
    public void TryParse_CaseAndSpacing_AreNormalised(string input, string expected)
    {
        Assert.True(Postcode.TryParse(input, out var postcode));
        Assert.Equal(expected, postcode.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SW1A")]         // outward only
    [InlineData("1AA")]
    [InlineData("SW1A 1AAA")]    // too long
    [InlineData("SW1AB 1AA")]
    [InlineData("Q1 1AA")]       // Q, V, X never first
    [InlineData("V1 1AA")]
    [InlineData("X1 1AA")]
    [InlineData("AI1 1AA")]      // I, J, Z never second
    [InlineData("AJ1 1AA")]
    [InlineData("AZ1 1AA")]
    [InlineData("W1I 1AA")]      // A9A third letter not from ABCDEFGHJKPSTUW
    [InlineData("W1L 1AA")]
    [InlineData("EC1C 1AA")]     // AA9A fourth letter not from ABEHMNPRVWXY
    [InlineData("EC1D 1AA")]
    [InlineData("SW1A 1CA")]     // C, I, K, M, O, V never in the inward code
    [InlineData("SW1A 1AI")]
    [InlineData("SW1A 1KA")]
    [InlineData("SW1A 1AM")]
    [InlineData("SW1A 1OA")]
    [InlineData("SW1A 1AV")]
    [InlineData("SW1A AAA")]     // inward starts with a digit
    [InlineData("11A 1AA")]      // outward starts with a letter
    [InlineData("SWA 1AA")]      // AA needs a digit next
    [InlineData("SW1A-1AA")]
    [InlineData("GIR 0AB")]
    public void TryParse_Invalid_Fails(string? input)
    {
        Assert.False(Postcode.TryParse(input, out var postcode));
        Assert.Equal(default, postcode);
        Assert.Equal(string.Empty, postcode.Area);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => Postcode.Parse("Q1 1AA"));

    [Fact]
    public void Parse_DifferentlyTypedSamePostcode_AreEqual() =>
        Assert.Equal(Postcode.Parse("SW1A 1AA"), Postcode.Parse("sw1a1aa"));
}
