using FlexRegistry.Assets;
using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Assets;

public sealed class AssetDomainTests
{
    [Fact]
    public void AssetId_New_EmbedsTheTypeCode_AndParses()
    {
        foreach (var type in AssetType.All)
        {
            var id = AssetId.New(type);
            Assert.Matches($"^FRA-{type.IdCode}-[0-9A-HJKMNP-TV-Z]{{12}}[0-9A-Z]$", id.Value);
            Assert.True(AssetId.TryParse(id.Value.ToLowerInvariant(), out var parsed));
            Assert.Equal(id, parsed);
            Assert.Equal(type.IdCode, parsed.TypeCode);
        }
    }

    [Fact]
    public void AssetId_EverySubstitutionAndAdjacentTransposition_IsRefused()
    {
        var id = AssetId.New(AssetType.Find("ev-chargepoint")!).Value;
        var positions = Enumerable.Range(4, id.Length - 4).Where(i => id[i] != '-').ToList();
        foreach (var i in positions)
        {
            foreach (var c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ")
            {
                if (c == id[i])
                    continue;
                var changed = id[..i] + c + id[(i + 1)..];
                Assert.False(AssetId.TryParse(changed, out _), $"{changed} should be refused");
            }
        }
        foreach (var i in positions.Where(p => positions.Contains(p + 1)))
        {
            if (id[i] == id[i + 1])
                continue;
            var swapped = id[..i] + id[i + 1] + id[i] + id[(i + 2)..];
            Assert.False(AssetId.TryParse(swapped, out _), $"{swapped} should be refused");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("FRP-7K3M9QX2VD4H1")]
    [InlineData("FRA-XX-7K3M9QX2VD4H1")]
    [InlineData("FRA-EV7K3M9QX2VD4H1")]
    [InlineData("FRA-EV-7K3M9QX2VD4HI")]
    public void AssetId_Malformed_IsRefused(string value) => Assert.False(AssetId.TryParse(value, out _));

    [Theory]
    [InlineData("Myenergi Ltd.", "MYENERGILTD")]
    [InlineData("  zp-00 123/a ", "ZP00123A")]
    [InlineData("Sönnen GmbH", "SONNENGMBH")]
    [InlineData(null, "")]
    public void Normalise_IgnoresCaseSpacesPunctuationAndDiacritics(string? input, string expected) =>
        Assert.Equal(expected, AssetKeys.Normalise(input));

    [Fact]
    public void Keys_AreTheSameForDifferentlyFormattedInput()
    {
        var ev = AssetType.Find("ev-chargepoint")!;
        Assert.Equal(AssetKeys.Identity(ev, "Myenergi Ltd", "ZP-001", "FRP-A"), AssetKeys.Identity(ev, "MYENERGI LTD.", "zp 001", "FRP-B"));
        Assert.Null(AssetKeys.Identity(ev, null, "ZP-001", "FRP-A"));
        Assert.Equal("1200000000009|EV|ZP001", AssetKeys.Meter(ev, "1200000000009", "zp-001"));
        var portfolio = AssetType.Find("portfolio")!;
        Assert.NotEqual(AssetKeys.Identity(portfolio, null, "P1", "FRP-A"), AssetKeys.Identity(portfolio, null, "P1", "FRP-B"));
    }

    [Fact]
    public void Validation_ValidChargepoint_DerivesTheDnoAreaFromTheMpan_ElseThePostcode()
    {
        var today = new DateOnly(2026, 1, 1);
        var request = Infrastructure.TestData.Chargepoint(mpan: Mpan.WithCheckDigit("140000000001"));
        var result = AssetValidation.Validate(request, today);
        Assert.True(result.Valid);
        Assert.Equal("_E", result.Data!.GspGroup);

        var idno = AssetValidation.Validate(request with { Mpan = Mpan.WithCheckDigit("280000000001") }, today);
        Assert.True(idno.Valid);
        Assert.Equal("mpan.distributor_not_dno", Assert.Single(idno.Warnings).Code);
        Assert.Equal("_A", idno.Data!.GspGroup); // CB postcode: Eastern England
    }
}
