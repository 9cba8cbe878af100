using System.Collections.Frozen;

namespace FlexRegistry.Shared;

/// <summary>
/// One of the 14 Great Britain distribution network operator (DNO) licence areas: the MPAN
/// distributor ID, the settlement GSP group, the area name and the operator that holds the licence.
/// </summary>
public sealed record DnoArea(int DistributorId, string GspGroup, string Name, string Operator)
{
    private const string Ukpn = "UK Power Networks";
    private const string Nged = "National Grid Electricity Distribution";
    private const string Npg = "Northern Powergrid";

    public static IReadOnlyList<DnoArea> All { get; } =
    [
        new(10, "_A", "Eastern England", Ukpn),
        new(11, "_B", "East Midlands", Nged),
        new(12, "_C", "London", Ukpn),
        new(13, "_D", "Merseyside and North Wales", "SP Energy Networks (SP Manweb)"),
        new(14, "_E", "West Midlands", Nged),
        new(15, "_F", "North East England", Npg),
        new(16, "_G", "North West England", "Electricity North West"),
        new(17, "_P", "North of Scotland", "Scottish and Southern Electricity Networks (Scottish Hydro Electric Power Distribution)"),
        new(18, "_N", "South of Scotland", "SP Energy Networks (SP Distribution)"),
        new(19, "_J", "South East England", Ukpn),
        new(20, "_H", "Southern England", "Scottish and Southern Electricity Networks (Southern Electric Power Distribution)"),
        new(21, "_K", "South Wales", Nged),
        new(22, "_L", "South West England", Nged),
        new(23, "_M", "Yorkshire", Npg),
    ];

    /// <summary>
    /// GB postcode areas mapped to the distributor ID of the DNO area that serves most of them.
    /// An approximation: many postcode areas straddle a licence boundary, and the MPAN, not the
    /// postcode, says which DNO serves a meter point. Areas split with no clear majority (parts of
    /// outer London, the Chilterns, the Welsh Marches, Cheshire, Dorset and Argyll) are left out
    /// rather than guessed. BT (Northern Ireland), GY, JE and IM are outside GB.
    /// </summary>
    private static readonly FrozenDictionary<string, int> PostcodeAreas = new (int DistributorId, string Areas)[]
    {
        (10, "AL CB CM CO EN IG IP LU MK NR PE RM SG SS WD"), // Eastern England
        (11, "DE LE LN NG NN"), // East Midlands
        (12, "E EC N NW SE SW W WC"), // London
        (13, "CH CW L LL"), // Merseyside and North Wales
        (14, "B CV DY GL HR ST TF WR WS WV"), // West Midlands
        (15, "DH DL NE SR TS"), // North East England
        (16, "BB BL CA FY LA M OL PR SK WN"), // North West England
        (17, "AB DD HS IV KW PH ZE"), // North of Scotland
        (18, "DG EH FK G KA KY ML TD"), // South of Scotland
        (19, "BN CT DA ME RH TN"), // South East England
        (20, "BH GU OX PO RG SL SN SO SP"), // Southern England
        (21, "CF NP SA"), // South Wales
        (22, "BA BS EX PL TA TQ TR"), // South West England
        (23, "BD DN HD HG HU HX LS S WF YO"), // Yorkshire
    }
    .SelectMany(g => g.Areas.Split(' ').Select(area => KeyValuePair.Create(area, g.DistributorId)))
    .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The postcode areas mainly served by a DNO area (the inverse of <see cref="FindByPostcodeArea"/>), in
    /// alphabetical order; for synthetic and sandbox data.</summary>
    public static IReadOnlyList<string> PostcodeAreasOf(int distributorId) =>
        [.. PostcodeAreas.Where(p => p.Value == distributorId).Select(p => p.Key).Order(StringComparer.Ordinal)];

    public static DnoArea? FindByDistributorId(int distributorId) =>
        All.FirstOrDefault(a => a.DistributorId == distributorId);

    /// <summary>Finds an area by GSP group, accepting "_A", "A" or "a".</summary>
    public static DnoArea? FindByGspGroup(string gspGroup)
    {
        ArgumentNullException.ThrowIfNull(gspGroup);
        var normalised = gspGroup.Trim().ToUpperInvariant();
        if (!normalised.StartsWith('_'))
            normalised = "_" + normalised;
        return All.FirstOrDefault(a => a.GspGroup == normalised);
    }

    /// <summary>
    /// The DNO area that mainly serves a postcode area (the letters, e.g. "CB"), or null when the
    /// area is outside GB or split between DNOs with no clear majority. A best-effort
    /// approximation for defaults and plausibility warnings, never for deciding an MPAN's DNO.
    /// </summary>
    public static DnoArea? FindByPostcodeArea(string postcodeArea)
    {
        ArgumentNullException.ThrowIfNull(postcodeArea);
        return PostcodeAreas.TryGetValue(postcodeArea.Trim().ToUpperInvariant(), out var id)
            ? FindByDistributorId(id)
            : null;
    }
}
