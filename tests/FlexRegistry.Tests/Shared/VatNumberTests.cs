using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Shared;

public class VatNumberTests
{
    // Published valid numbers from the python-stdnum GB VAT test suite: 980 7806 84 and 002 4257 28
    // pass the original modulus 97 check; 100 1908 74, 100 1950 75 and 340 8043 29 pass the 9755 check.
    [Theory]
    [InlineData("GB980780684", "GB980780684")]
    [InlineData("GB 980 7806 84", "GB980780684")]
    [InlineData("980780684", "GB980780684")]
    [InlineData("gb980780684", "GB980780684")]
    [InlineData(" GB 002 4257 28 ", "GB002425728")]
    [InlineData("GB 100 1950 75", "GB100195075")]
    [InlineData("100190874", "GB100190874")]
    [InlineData("GB340804329", "GB340804329")]
    [InlineData("GB 242 3380 87 388", "GB242338087388")] // branch trader
    [InlineData("GBGD001", "GBGD001")]
    [InlineData("GD499", "GBGD499")]
    [InlineData("ha500", "GBHA500")]
    [InlineData("GB HA 999", "GBHA999")]
    public void TryParse_Valid_NormalisesToGbPrefixedForm(string input, string expected)
    {
        Assert.True(VatNumber.TryParse(input, out var vat));
        Assert.Equal(expected, vat.Value);
        Assert.Equal(expected, vat.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("GB")]
    [InlineData("98078068")]          // 8 digits
    [InlineData("9807806842")]        // 10 digits
    [InlineData("GB980780685")]       // wrong check digits
    [InlineData("802311781")]         // wrong check digits (python-stdnum example)
    [InlineData("001234567")]         // wrong check digits
    [InlineData("242338088388")]      // branch form with a wrong check on the first 9 digits
    [InlineData("9807806B4")]
    [InlineData("GD500")]             // government departments are 000-499
    [InlineData("HA499")]             // health authorities are 500-999
    [InlineData("ZZ100")]
    [InlineData("GD10A")]
    [InlineData("XI980780684")]       // Northern Ireland prefix is not a GB registration
    [InlineData("GB-980-7806-84")]    // hyphens are not separators
    public void TryParse_Invalid_Fails(string? input)
    {
        Assert.False(VatNumber.TryParse(input, out var vat));
        Assert.Equal(default, vat);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => VatNumber.Parse("GB980780685"));

    // Modulus 97 with weights 2..8 (and 10, 1 on the check digits) catches every single-digit change
    // that keeps to one scheme, because no change is a multiple of 97. But both schemes are valid, and
    // they differ by 42 (= -55 mod 97): raising digit 2 (weight 7) by 6 or digit 3 (weight 6) by 7
    // moves an old-scheme number onto the 9755 scheme. The reverse needs a fall of 42, which a single
    // digit change cannot produce in 9755 numbers.
    [Theory]
    [InlineData("100190874")]
    [InlineData("100195075")]
    [InlineData("340804329")]
    public void TryParse_AnySingleDigitChangeOf9755Number_Fails(string valid)
    {
        var accepted = SingleDigitChanges(valid).Where(m => VatNumber.TryParse(m, out _)).ToList();

        Assert.Empty(accepted);
    }

    [Theory]
    [InlineData("980780684", new[] { "987780684" })]
    [InlineData("002425728", new[] { "062425728", "009425728" })]
    [InlineData("232177091", new[] { "292177091", "239177091" })]
    public void TryParse_SingleDigitChangesOfMod97Number_AcceptsOnlySchemeCrossings(string valid, string[] expected)
    {
        var accepted = SingleDigitChanges(valid).Where(m => VatNumber.TryParse(m, out _)).ToList();

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
