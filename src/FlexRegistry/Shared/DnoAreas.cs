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
    private static readonly FrozenDictionary<string, int> PostcodeAreas = new Dictionary<string, int>
    {
        // 10 Eastern England
        ["AL"] = 10, ["CB"] = 10, ["CM"] = 10, ["CO"] = 10, ["EN"] = 10, ["IG"] = 10, ["IP"] = 10, ["LU"] = 10,
        ["MK"] = 10, ["NR"] = 10, ["PE"] = 10, ["RM"] = 10, ["SG"] = 10, ["SS"] = 10, ["WD"] = 10,
        // 11 East Midlands
        ["DE"] = 11, ["LE"] = 11, ["LN"] = 11, ["NG"] = 11, ["NN"] = 11,
        // 12 London
        ["E"] = 12, ["EC"] = 12, ["N"] = 12, ["NW"] = 12, ["SE"] = 12, ["SW"] = 12, ["W"] = 12, ["WC"] = 12,
        // 13 Merseyside and North Wales
        ["CH"] = 13, ["CW"] = 13, ["L"] = 13, ["LL"] = 13,
        // 14 West Midlands
        ["B"] = 14, ["CV"] = 14, ["DY"] = 14, ["GL"] = 14, ["HR"] = 14, ["ST"] = 14, ["TF"] = 14, ["WR"] = 14,
        ["WS"] = 14, ["WV"] = 14,
        // 15 North East England
        ["DH"] = 15, ["DL"] = 15, ["NE"] = 15, ["SR"] = 15, ["TS"] = 15,
        // 16 North West England
        ["BB"] = 16, ["BL"] = 16, ["CA"] = 16, ["FY"] = 16, ["LA"] = 16, ["M"] = 16, ["OL"] = 16, ["PR"] = 16,
        ["SK"] = 16, ["WN"] = 16,
        // 17 North of Scotland
        ["AB"] = 17, ["DD"] = 17, ["HS"] = 17, ["IV"] = 17, ["KW"] = 17, ["PH"] = 17, ["ZE"] = 17,
        // 18 South of Scotland
        ["DG"] = 18, ["EH"] = 18, ["FK"] = 18, ["G"] = 18, ["KA"] = 18, ["KY"] = 18, ["ML"] = 18, ["TD"] = 18,
        // 19 South East England
        ["BN"] = 19, ["CT"] = 19, ["DA"] = 19, ["ME"] = 19, ["RH"] = 19, ["TN"] = 19,
        // 20 Southern England
        ["BH"] = 20, ["GU"] = 20, ["OX"] = 20, ["PO"] = 20, ["RG"] = 20, ["SL"] = 20, ["SN"] = 20, ["SO"] = 20,
        ["SP"] = 20,
        // 21 South Wales
        ["CF"] = 21, ["NP"] = 21, ["SA"] = 21,
        // 22 South West England
        ["BA"] = 22, ["BS"] = 22, ["EX"] = 22, ["PL"] = 22, ["TA"] = 22, ["TQ"] = 22, ["TR"] = 22,
        // 23 Yorkshire
        ["BD"] = 23, ["DN"] = 23, ["HD"] = 23, ["HG"] = 23, ["HU"] = 23, ["HX"] = 23, ["LS"] = 23, ["S"] = 23,
        ["WF"] = 23, ["YO"] = 23,
    }.ToFrozenDictionary(StringComparer.Ordinal);

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
