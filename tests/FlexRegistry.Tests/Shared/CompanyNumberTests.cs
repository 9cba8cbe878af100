using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Shared;

public class CompanyNumberTests
{
    [Theory]
    [InlineData("08407369", "08407369", null)]
    [InlineData("SC234456", "SC234456", "SC")]
    [InlineData("NI012345", "NI012345", "NI")]
    [InlineData("R0000123", "R0000123", "R0")]
    [InlineData("OC301234", "OC301234", "OC")]
    [InlineData("SO300123", "SO300123", "SO")]
    [InlineData("NC000456", "NC000456", "NC")]
    [InlineData("LP012345", "LP012345", "LP")]
    [InlineData("SL012345", "SL012345", "SL")]
    [InlineData("FC023456", "FC023456", "FC")]
    [InlineData("CE012345", "CE012345", "CE")]
    [InlineData("RC000246", "RC000246", "RC")]
    [InlineData("IP012345", "IP012345", "IP")]
    public void TryParse_Valid_Succeeds(string input, string expected, string? prefix)
    {
        Assert.True(CompanyNumber.TryParse(input, out var number));
        Assert.Equal(expected, number.Value);
        Assert.Equal(expected, number.ToString());
        Assert.Equal(prefix, number.Prefix);
    }

    [Theory]
    [InlineData("8407369", "08407369")]     // dropped leading zero
    [InlineData("1", "00000001")]
    [InlineData(" 0840 7369 ", "08407369")]
    [InlineData("sc234456", "SC234456")]
    [InlineData("SC12345", "SC012345")]     // zeros restored after the prefix
    [InlineData("sc 1", "SC000001")]
    [InlineData("oc 301234", "OC301234")]
    [InlineData("R0123", "R0000123")]
    [InlineData("r0 000123", "R0000123")]
    public void TryParse_Normalises(string input, string expected)
    {
        Assert.True(CompanyNumber.TryParse(input, out var number));
        Assert.Equal(expected, number.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("123456789")]   // 9 digits
    [InlineData("SC1234567")]   // prefix and 7 digits
    [InlineData("00000000")]    // numbers start at 1
    [InlineData("SC000000")]
    [InlineData("SC")]
    [InlineData("XX123456")]    // unknown prefix
    [InlineData("QQ123456")]
    [InlineData("R1234567")]    // R followed by a digit other than 0
    [InlineData("S1234567")]    // single-letter prefix
    [InlineData("SC12345A")]    // letter suffix
    [InlineData("0840-7369")]
    public void TryParse_Invalid_Fails(string? input)
    {
        Assert.False(CompanyNumber.TryParse(input, out var number));
        Assert.Equal(default, number);
        Assert.Null(number.Prefix);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => CompanyNumber.Parse("XX123456"));

    [Fact]
    public void Parse_PaddedAndUnpaddedForms_AreEqual() =>
        Assert.Equal(CompanyNumber.Parse("SC012345"), CompanyNumber.Parse("sc12345"));
}
