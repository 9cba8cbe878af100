using System.Text;
using FlexRegistry.Shared.Matching;

namespace FlexRegistry.Assets;

/// <summary>
/// Exact identity keys of an asset, normalised so that formatting never hides a duplicate: upper case, diacritics
/// folded, everything but letters and digits removed ("Myenergi Ltd." / "MYENERGI LTD" and "ZP-00 123" / "zp00123"
/// give the same key). Unique indexes over these keys make "one ID per physical asset" a database rule.
/// </summary>
public static class AssetKeys
{
    public static string Normalise(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return "";
        var folded = Text.Fold(value);
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
                builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>
    /// Manufacturer + serial number; for a portfolio (no manufacturer) the registrant + its own reference, so a
    /// registrant cannot register the same portfolio twice. Null when the parts are missing.
    /// </summary>
    public static string? Identity(AssetType type, string? manufacturer, string? serialNumber, string registrant)
    {
        ArgumentNullException.ThrowIfNull(type);
        var serial = Normalise(serialNumber);
        if (serial.Length == 0)
            return null;
        if (type.IsPortfolio)
            return $"PF|{registrant}|{serial}";
        var maker = Normalise(manufacturer);
        return maker.Length == 0 ? null : $"{maker}|{serial}";
    }

    /// <summary>MPAN + asset type + serial number: the same device type at one meter point with one serial.</summary>
    public static string? Meter(AssetType type, string? mpan, string? serialNumber)
    {
        ArgumentNullException.ThrowIfNull(type);
        var serial = Normalise(serialNumber);
        return string.IsNullOrEmpty(mpan) || serial.Length == 0 ? null : $"{mpan}|{type.IdCode}|{serial}";
    }
}
