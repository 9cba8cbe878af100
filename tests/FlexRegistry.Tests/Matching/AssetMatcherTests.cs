using FlexRegistry.Assets;
using FlexRegistry.Assets.Matching;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Matching;

/// <summary>The matcher's comparators and decisions, pure (no database): each comparison level on the values that should reach it.</summary>
public sealed class AssetMatcherTests
{
    [Theory]
    [InlineData("Flat 2, 10 Mill Road", "2", "10")]
    [InlineData("2/10 Mill Rd", "2", "10")]
    [InlineData("Flat 2 10 Mill Rd.", "2", "10")]
    [InlineData("10 Mill Road, Flat 2", "2", "10")]
    [InlineData("Apartment 2, Victoria Court, 10 Mill Road", "2", "10")]
    [InlineData("2 Victoria Court, 10 Mill Road", "2", "10")]
    [InlineData("2/1, 45 Dumbarton Road", "2/1", "45")]
    [InlineData("Flat 2F1, 12 Marchmont Road", "2F1", "12")]
    [InlineData("Ground Floor Flat, 7 Park Terrace", "GF", "7")]
    [InlineData("12A High Street", null, "12A")]
    [InlineData("Rose Cottage, Mill Lane", null, null)]
    [InlineData("Unit 4, Riverside Industrial Estate", "4", null)]
    public void UkAddress_ParsesFlatAndNumber_InTheirUsualForms(string line, string? flat, string? number)
    {
        var address = UkAddress.Parse(line);
        Assert.Equal((flat, number), (address.Flat, address.Number));
    }

    [Theory]
    [InlineData("Flat 2, 10 Mill Road", "2/10 Mill Rd", AddressRelation.Same)]
    [InlineData("12 St John's Street", "12 ST JOHNS ST, Histon", AddressRelation.Same)]
    [InlineData("Flat 11, Priory Court, 9 Riverside Grove", "Flat 11, 9 Riverside Gr, Moseley", AddressRelation.Same)]
    [InlineData("Flat A, 12 High Street", "12A High St", AddressRelation.Same)]
    [InlineData("Flat 2, 10 Mill Road", "Flat 3, 10 Mill Road", AddressRelation.OtherFlat)]
    [InlineData("10 Mill Road", "Flat 3, 10 Mill Road", AddressRelation.FlatUnknown)]
    [InlineData("10 Mill Road", "12 Mill Road", AddressRelation.OtherNumber)]
    [InlineData("10 Mill Road", "10 High Road", AddressRelation.OtherStreet)]
    [InlineData("Rose Cottage, Mill Lane", "Ivy Cottage, Mill Lane", AddressRelation.OtherStreet)]
    [InlineData("Rose Cottage, Mill Lane", "Rose Cottage, Mill Ln", AddressRelation.Same)]
    [InlineData("Orchard House, Woodland Rise", "97 Woodland Rise", AddressRelation.Unclear)]
    public void UkAddress_RelatesTwoLines(string a, string b, AddressRelation expected) =>
        Assert.Equal(expected, UkAddress.Relate(UkAddress.Parse(a), UkAddress.Parse(b)));

    [Theory]
    [InlineData("17012345", "17012345", SerialRelation.Exact)]
    [InlineData("ZP17012345", "17012345", SerialRelation.Equivalent)] // a maker's prefix added
    [InlineData("0012345678", "12345678", SerialRelation.Equivalent)] // leading zeros lost in a spreadsheet
    [InlineData("SA2234G123", "5A2234G123", SerialRelation.Equivalent)] // S read as 5
    [InlineData("17012345", "17021345", SerialRelation.Transposition)]
    [InlineData("17012345", "17082345", SerialRelation.OneEdit)]
    [InlineData("17012345", "1701245", SerialRelation.OneEdit)]
    [InlineData("17012345", "17012346", SerialRelation.Series)] // the next unit off the line
    [InlineData("0D6H7AEN130495Z", "0D6H7AEN130496Z", SerialRelation.Series)]
    [InlineData("0D6H7AEN130495Z", "0D7H7AEN130495Z", SerialRelation.OneEdit)] // not the counter: a typo
    [InlineData("COSY6497951", "COSY6349951", SerialRelation.Different)] // two edits in a short counter
    [InlineData("17012345", "18399001", SerialRelation.Different)]
    public void SerialNumbers_RelateTheWayTyposAndSeriesDiffer(string a, string b, SerialRelation expected) =>
        Assert.Equal(expected, SerialNumbers.Relate(AssetKeys.Normalise(a), AssetKeys.Normalise(b)));

    [Theory]
    [InlineData("Mitsubishi Electric Europe B.V.", "Mitsubishi", MakerRelation.Same)]
    [InlineData("myenergi Ltd", "MyEnergi Limited", MakerRelation.Same)]
    [InlineData("Pod-Point", "Pod Point Ltd", MakerRelation.Same)]
    [InlineData("Worcester Bosch", "Bosch Thermotechnology", MakerRelation.Same)]
    [InlineData("Givenergy", "Giv Energy Ltd", MakerRelation.Same)]
    [InlineData("Hypervolt", "Hypervolt Charging Systems", MakerRelation.Similar)]
    [InlineData("Tesla", "SolarEdge", MakerRelation.Different)]
    public void Manufacturers_ResolveLegalFormsAndAliases(string a, string b, MakerRelation expected) =>
        Assert.Equal(expected, Manufacturers.Relate(Manufacturers.Canonical(a), Manufacturers.Canonical(b)));

    [Fact]
    public void EveryLevel_HasAWeight_AndLevelsRunFromMostToLeastAlike()
    {
        foreach (var comparison in AssetComparisons.All)
        {
            Assert.All(comparison.Levels, l => Assert.InRange(l.M, 0.0001, 1));
            Assert.All(comparison.Levels, l => Assert.InRange(l.U, 0.0001, 1));
            Assert.True(comparison.Levels[0].Weight > 0, comparison.Field + " starts with agreement");
            Assert.True(comparison.Levels[^1].Weight < 0, comparison.Field + " ends with disagreement");
        }
    }

    private static Asset Register(RegisterAssetRequest request) =>
        Asset.Register(AssetValidation.Validate(request, new DateOnly(2026, 6, 1)).Data!, ParticipantId.New(), DateTimeOffset.UnixEpoch);

    [Fact]
    public void Decisions_TypoReviewed_AliasWithTheSameSerialDefinite_SecondChargepointNotFlagged()
    {
        var original = TestData.Chargepoint(serial: "17012345");
        var existing = Register(original);

        // A transposed serial at the same meter point: a case for review, naming the original.
        var typo = AssetMatcher.Match(Register(original with { SerialNumber = "17021345", Address = original.Address! with { Line1 = "12 Mill Ln" } }), [existing]);
        Assert.Equal(MatchDecision.Review, typo.Decision);
        Assert.Equal(existing.Id, typo.Cases[0].Candidate.Id);
        Assert.Contains(typo.Cases[0].Score.Evidence, e => e is { Field: "serialNumber", Level: "transposition" });

        // The same serial under another name of the maker, recorded at another meter point: the same device beyond doubt.
        var alias = AssetMatcher.Match(Register(original with { Manufacturer = "myenergi", Mpan = TestData.Mpan() }), [existing]);
        Assert.Equal(MatchDecision.Definite, alias.Decision);
        Assert.Equal(existing.Id, alias.Definite!.Candidate.Id);

        // A second chargepoint on the same drive: same model, size, meter point and day, its own serial. Not flagged.
        var second = AssetMatcher.Match(Register(original with { SerialNumber = "17398811" }), [existing]);
        Assert.Equal(MatchDecision.None, second.Decision);

        // The neighbour's chargepoint, the next serial off the same line: not flagged.
        var neighbour = AssetMatcher.Match(Register(original with
        {
            SerialNumber = "17012346",
            Mpan = TestData.Mpan(),
            Address = original.Address! with { Line1 = "14 Mill Lane" },
        }), [existing]);
        Assert.Equal(MatchDecision.None, neighbour.Decision);
    }
}
