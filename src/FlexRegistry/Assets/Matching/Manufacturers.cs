using FlexRegistry.Shared.Matching;

namespace FlexRegistry.Assets.Matching;

/// <summary>How two manufacturer names relate.</summary>
public enum MakerRelation
{
    /// <summary>One maker: equal once legal and corporate words are dropped, or known aliases of one another.</summary>
    Same,

    /// <summary>Probably one maker: one name extends the other ("Mitsubishi" / "Mitsubishi Electric Air Conditioning") or a typo apart.</summary>
    Similar,
    Different,
}

/// <summary>
/// Manufacturer names as FSPs actually write them: with or without "Ltd", "UK", "GmbH"; spaced or not ("Pod Point",
/// "PodPoint"); by brand or by company ("Worcester Bosch", "Bosch Thermotechnology"). <see cref="Canonical"/> gives one
/// key per maker; the alias table covers the makers of the GB flexibility fleet whose names differ by more than that.
/// </summary>
public static class Manufacturers
{
    /// <summary>Trailing words that name the company's form or reach, not the maker.</summary>
    private static readonly HashSet<string> CorporateWords = new(StringComparer.Ordinal)
    {
        "LTD", "LIMITED", "PLC", "INC", "INCORPORATED", "CORP", "CORPORATION", "GMBH", "AG", "SA", "SAS", "SPA", "SRL", "BV", "NV",
        "AB", "AS", "ASA", "OY", "KK", "CO", "COMPANY", "LLC", "LLP", "GROUP", "HOLDINGS", "UK", "GB", "EUROPE", "EU", "INTERNATIONAL",
        "INTL", "TECHNOLOGIES", "TECHNOLOGY", "TECH", "SYSTEMS", "SOLUTIONS", "PRODUCTS", "MANUFACTURING", "INDUSTRIES", "THE", "AND",
    };

    /// <summary>Other names of one maker, each mapped to one canonical key (names already in compact canonical form).</summary>
    private static readonly Dictionary<string, string> Aliases = BuildAliases(
        ["MITSUBISHI", "MITSUBISHIELECTRIC", "MEUK", "MITSUBISHIELECTRICAIRCONDITIONING", "ECODAN"],
        ["TESLA", "TESLAENERGY", "TESLAMOTORS"],
        ["MYENERGI", "ZAPPI"],
        ["PODPOINT", "PODPOINTEV"],
        ["OHME", "OHMEEV"],
        ["WALLBOX", "WALLBOXCHARGERS", "WALLBOXOK"],
        ["ANDERSEN", "ANDERSENEV"],
        ["EO", "EOCHARGING"],
        ["ROLEC", "ROLECSERVICES", "ROLECEV"],
        ["INDRA", "INDRARENEWABLE", "INDRARENEWABLES"],
        ["SOLAREDGE"],
        ["ENPHASE", "ENPHASEENERGY"],
        ["SMA", "SMASOLAR", "SMASOLARTECHNOLOGY"],
        ["SONNEN", "SONNENBATTERIE"],
        ["GIVENERGY"],
        ["LG", "LGELECTRONICS", "LGCHEM", "LGENERGYSOLUTION", "LGES"],
        ["SAMSUNG", "SAMSUNGELECTRONICS", "SAMSUNGCLIMATE"],
        ["DAIKIN", "DAIKINAIRCONDITIONING", "DAIKINAPPLIED"],
        ["VAILLANT", "VAILLANTGROUP"],
        ["BOSCH", "WORCESTERBOSCH", "WORCESTER", "BOSCHTHERMOTECHNOLOGY", "BOSCHTHERMOTECHNIK"],
        ["SOLIS", "GINLONG", "GINLONGSOLIS"],
        ["FOXESS", "FOX"],
        ["ALPHAESS", "ALPHA"],
        ["HUAWEI", "HUAWEIFUSIONSOLAR", "FUSIONSOLAR"],
        ["GROWATT", "GROWATTNEWENERGY", "SHENZHENGROWATT"],
        ["SUNSYNK"],
        ["PUREDRIVE", "PUREDRIVEENERGY"],
        ["OCTOPUS", "OCTOPUSENERGY"],
        ["STIEBELELTRON", "STIEBEL"],
        ["KENSA", "KENSAHEATPUMPS"],
        ["GRANT", "GRANTENGINEERING"],
        ["IDEAL", "IDEALHEATING"],
        ["NIBE", "NIBEENERGY"],
        ["VIESSMANN", "VIESSMANNCLIMATE"],
        ["CUMMINS", "CUMMINSPOWERGENERATION"],
        ["CATERPILLAR", "CAT"],
        ["FRONIUS"],
        ["VESTAS", "VESTASWIND", "VESTASWINDSYSTEMS"],
        ["RYSE", "RYSEENERGY"],
        ["VICTRON", "VICTRONENERGY"],
        ["HYPERVOLT"],
        ["EASEE"],
        ["ZAPTEC"]);

    /// <summary>One key per maker: compact upper-case letters and digits, corporate words dropped, aliases resolved.</summary>
    public static string Canonical(string? name)
    {
        var words = new List<string>();
        foreach (var word in Text.Words(name))
        {
            // Initials written with stops ("B.V.", "S.A.") are one word.
            if (word.Length == 1 && words.Count > 0 && words[^1].Length < 3 && words[^1].All(char.IsAsciiLetter) && char.IsAsciiLetter(word[0]))
                words[^1] += word;
            else
                words.Add(word);
        }
        while (words.Count > 1 && CorporateWords.Contains(words[^1]))
            words.RemoveAt(words.Count - 1);
        var compact = string.Concat(words);
        return Aliases.GetValueOrDefault(compact, compact);
    }

    public static MakerRelation Relate(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a == b)
            return MakerRelation.Same;
        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        if (shorter.Length >= 4 && longer.StartsWith(shorter, StringComparison.Ordinal))
            return MakerRelation.Similar;
        return shorter.Length >= 4 && Text.JaroWinkler(a, b) >= 0.92 ? MakerRelation.Similar : MakerRelation.Different;
    }

    private static Dictionary<string, string> BuildAliases(params string[][] groups)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var name in group)
                aliases[name] = group[0];
        }
        return aliases;
    }
}
