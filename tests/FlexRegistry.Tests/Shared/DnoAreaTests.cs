using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Shared;

public class DnoAreaTests
{
    [Fact]
    public void All_HasFourteenAreasWithDistributorIdsTenToTwentyThree()
    {
        Assert.Equal(14, DnoArea.All.Count);
        Assert.Equal(Enumerable.Range(10, 14), DnoArea.All.Select(a => a.DistributorId).Order());
    }

    [Fact]
    public void All_GspGroupsAreAToPWithoutIAndO()
    {
        var expected = "ABCDEFGHJKLMNP".Select(c => "_" + c);

        Assert.Equal(expected, DnoArea.All.Select(a => a.GspGroup).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(10, "_A", "Eastern England", "UK Power Networks")]
    [InlineData(11, "_B", "East Midlands", "National Grid Electricity Distribution")]
    [InlineData(12, "_C", "London", "UK Power Networks")]
    [InlineData(13, "_D", "Merseyside and North Wales", "SP Energy Networks (SP Manweb)")]
    [InlineData(14, "_E", "West Midlands", "National Grid Electricity Distribution")]
    [InlineData(15, "_F", "North East England", "Northern Powergrid")]
    [InlineData(16, "_G", "North West England", "Electricity North West")]
    [InlineData(17, "_P", "North of Scotland", "Scottish and Southern Electricity Networks (Scottish Hydro Electric Power Distribution)")]
    [InlineData(18, "_N", "South of Scotland", "SP Energy Networks (SP Distribution)")]
    [InlineData(19, "_J", "South East England", "UK Power Networks")]
    [InlineData(20, "_H", "Southern England", "Scottish and Southern Electricity Networks (Southern Electric Power Distribution)")]
    [InlineData(21, "_K", "South Wales", "National Grid Electricity Distribution")]
    [InlineData(22, "_L", "South West England", "National Grid Electricity Distribution")]
    [InlineData(23, "_M", "Yorkshire", "Northern Powergrid")]
    public void FindByDistributorIdAndGspGroup_ReturnTheSameArea(int id, string gspGroup, string name, string licensee)
    {
        var byId = DnoArea.FindByDistributorId(id);

        Assert.NotNull(byId);
        Assert.Equal(new DnoArea(id, gspGroup, name, licensee), byId);
        Assert.Same(byId, DnoArea.FindByGspGroup(gspGroup));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(24)]
    [InlineData(0)]
    public void FindByDistributorId_Unknown_ReturnsNull(int id) =>
        Assert.Null(DnoArea.FindByDistributorId(id));

    [Theory]
    [InlineData("A", 10)]
    [InlineData("a", 10)]
    [InlineData(" _p ", 17)]
    public void FindByGspGroup_AcceptsLetterWithOrWithoutUnderscore(string gspGroup, int expectedId) =>
        Assert.Equal(expectedId, DnoArea.FindByGspGroup(gspGroup)?.DistributorId);

    [Theory]
    [InlineData("_I")]
    [InlineData("_O")]
    [InlineData("_Q")]
    [InlineData("")]
    public void FindByGspGroup_Unknown_ReturnsNull(string gspGroup) =>
        Assert.Null(DnoArea.FindByGspGroup(gspGroup));

    [Theory]
    [InlineData("CB", 10)]
    [InlineData("LE", 11)]
    [InlineData("E", 12)]
    [InlineData("CH", 13)]
    [InlineData("B", 14)]
    [InlineData("NE", 15)]
    [InlineData("M", 16)]
    [InlineData("AB", 17)]
    [InlineData("G", 18)]
    [InlineData("BN", 19)]
    [InlineData("SO", 20)]
    [InlineData("CF", 21)]
    [InlineData("EX", 22)]
    [InlineData("LS", 23)]
    [InlineData("ls", 23)]
    public void FindByPostcodeArea_MapsToMainDno(string area, int expectedId) =>
        Assert.Equal(expectedId, DnoArea.FindByPostcodeArea(area)?.DistributorId);

    [Theory]
    [InlineData("BT")]  // Northern Ireland
    [InlineData("GY")]  // Guernsey
    [InlineData("JE")]  // Jersey
    [InlineData("IM")]  // Isle of Man
    [InlineData("ZZ")]
    [InlineData("GIR")]
    public void FindByPostcodeArea_OutsideGb_ReturnsNull(string area) =>
        Assert.Null(DnoArea.FindByPostcodeArea(area));

    [Fact]
    public void FindByPostcodeArea_CoversEveryLicenceArea()
    {
        var covered = GbPostcodeAreas
            .Select(DnoArea.FindByPostcodeArea)
            .OfType<DnoArea>()
            .Select(a => a.DistributorId)
            .Distinct()
            .Order();

        Assert.Equal(Enumerable.Range(10, 14), covered);
    }

    // The split areas are deliberately unmapped; this pins the list so a change is a decision.
    [Fact]
    public void FindByPostcodeArea_LeavesOnlyTheDocumentedSplitAreasUnmapped()
    {
        string[] split = ["BR", "CR", "DT", "HA", "HP", "KT", "LD", "PA", "SM", "SY", "TW", "UB", "WA"];

        var unmapped = GbPostcodeAreas.Where(a => DnoArea.FindByPostcodeArea(a) is null);

        Assert.Equal(split, unmapped.Order(StringComparer.Ordinal));
    }

    // The 120 postcode areas of Great Britain (excludes BT, GY, JE and IM).
    private static readonly string[] GbPostcodeAreas =
    [
        "AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "CA", "CB", "CF", "CH", "CM", "CO", "CR",
        "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH", "EN", "EX", "FK",
        "FY", "G", "GL", "GU", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IP", "IV", "KA", "KT", "KW",
        "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP",
        "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK",
        "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW",
        "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE",
    ];
}
