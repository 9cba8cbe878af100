using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace FlexRegistry.Assets.Confirmation;

/// <summary>Configuration section <c>OemCloud</c>. Without a base URL the adapter is off and assets stay provisional.</summary>
public sealed class OemCloudOptions
{
    public Uri? BaseUrl { get; set; }
    public string? ApiKey { get; set; }

    /// <summary>Relative difference tolerated between declared and OEM-reported power or capacity.</summary>
    public double Tolerance { get; set; } = 0.05;
}

/// <summary>
/// Confirms devices against an OEM cloud platform: <c>GET {base}/devices/{manufacturer}/{serial}</c> with a bearer
/// API key answers <c>{model, ratedPowerKw, capacityKwh}</c>. The model must match (case, spaces and punctuation
/// ignored), the rated power the larger of the declared import and export capacity, and the capacity the declared
/// storage capacity, each within <see cref="OemCloudOptions.Tolerance"/>. 404 means the OEM does not know the device:
/// a mismatch. Timeouts and 5xx are "unavailable" and retried by the queue.
/// </summary>
public sealed class OemCloudDataSource(HttpClient http, OemCloudOptions options, ILogger<OemCloudDataSource> logger) : IAssetDataSource
{
    public string Source => "oem-cloud";

    public bool AppliesTo(Asset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return options.BaseUrl is not null && asset.Manufacturer is not null && asset.SerialNumber is not null && !asset.AssetType.IsPortfolio;
    }

    public async Task<AssetSourceResult> LookUpAsync(Asset asset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var baseUrl = options.BaseUrl!.ToString().TrimEnd('/') + "/";
        using var request = new HttpRequestMessage(HttpMethod.Get,
            new Uri(new Uri(baseUrl), $"devices/{Uri.EscapeDataString(asset.Manufacturer!)}/{Uri.EscapeDataString(asset.SerialNumber!)}"));
        if (!string.IsNullOrEmpty(options.ApiKey))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return AssetSourceResult.Unavailable($"OEM cloud unreachable: {e.GetType().Name}");
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
                return AssetSourceResult.Mismatch(new Dictionary<string, string> { ["serialNumber"] = "the manufacturer's cloud does not know this device" });
            if (!response.IsSuccessStatusCode)
            {
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    logger.LogError("OEM cloud refused the API key ({Status}); check OemCloud:ApiKey", (int)response.StatusCode);
                return AssetSourceResult.Unavailable($"OEM cloud answered {(int)response.StatusCode}");
            }
            OemDevice? device;
            try
            {
                device = await response.Content.ReadFromJsonAsync<OemDevice>(ct);
            }
            catch (System.Text.Json.JsonException)
            {
                return AssetSourceResult.Unavailable("OEM cloud answered with unreadable JSON");
            }
            return device is null ? AssetSourceResult.Unavailable("OEM cloud answered with an empty body") : Compare(asset, device);
        }
    }

    private AssetSourceResult Compare(Asset asset, OemDevice device)
    {
        var differences = new Dictionary<string, string>(StringComparer.Ordinal);
        if (device.Model is not null && asset.Model is not null && AssetKeys.Normalise(device.Model) != AssetKeys.Normalise(asset.Model))
            differences["model"] = $"the manufacturer reports model {device.Model}";
        if (device.RatedPowerKw is { } power && asset.RatedCapacityKw is { } declared && !Close(power, declared))
            differences["ratedCapacityKw"] = $"the manufacturer reports {power.ToString(CultureInfo.InvariantCulture)} kW";
        if (device.CapacityKwh is { } capacity && asset.StorageCapacityKwh is { } storage && !Close(capacity, storage))
            differences["storageCapacityKwh"] = $"the manufacturer reports {capacity.ToString(CultureInfo.InvariantCulture)} kWh";
        return differences.Count == 0 ? AssetSourceResult.Confirmed("identity", "technical") : AssetSourceResult.Mismatch(differences);
    }

    private bool Close(double reported, double declared) =>
        Math.Abs(reported - declared) <= options.Tolerance * Math.Max(Math.Abs(reported), Math.Abs(declared));

    private sealed record OemDevice(string? Model, double? RatedPowerKw, double? CapacityKwh);
}
