using System.Diagnostics.Metrics;

namespace FlexRegistry.Shared;

/// <summary>
/// The register's own instruments (meter <c>FlexRegistry</c>), exported at <c>/metrics</c> beside ASP.NET Core's request
/// metrics and Npgsql's connection-pool metrics; docs/operations.md lists them.
/// </summary>
public sealed class RegistryMetrics : IDisposable
{
    public const string MeterName = "FlexRegistry";

    private readonly Meter _meter;
    private readonly Histogram<double> _sequencerLag;
    private readonly Counter<long> _sequenced;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _importRows;
    private long _webhookQueueDepth;
    private long _eventsPending;
    private long _auditPending;

    public RegistryMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _sequencerLag = _meter.CreateHistogram<double>("flexregistry.sequencer.lag", "s",
            "Age of the oldest row a sequencer pass ordered: from its append (in the writer's transaction) to its place in the log.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _sequenced = _meter.CreateCounter<long>("flexregistry.sequencer.rows", "{row}", "Rows given their place in a log (events: a sequence; audit: a leaf).");
        _deliveries = _meter.CreateCounter<long>("flexregistry.webhook.deliveries", "{delivery}",
            "Webhook delivery attempts by outcome: delivered, failed (retried), dead_lettered, gone (410, subscription disabled).");
        _importRows = _meter.CreateCounter<long>("flexregistry.import.rows", "{row}", "Bulk-import rows processed, by outcome; rate() gives rows per second.");
        _meter.CreateObservableGauge("flexregistry.webhook.queue_depth", () => Interlocked.Read(ref _webhookQueueDepth), "{delivery}",
            "Pending webhook deliveries (refreshed at each scrape).");
        _meter.CreateObservableGauge("flexregistry.sequencer.pending", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _eventsPending), new KeyValuePair<string, object?>("log", "events")),
            new Measurement<long>(Interlocked.Read(ref _auditPending), new KeyValuePair<string, object?>("log", "audit")),
        }, "{row}", "Rows committed but not yet ordered, per log (refreshed at each scrape): the sequencers' lag in rows.");
    }

    public void Sequenced(string log, int rows, TimeSpan oldestAge)
    {
        var tag = new KeyValuePair<string, object?>("log", log);
        _sequenced.Add(rows, tag);
        _sequencerLag.Record(Math.Max(0, oldestAge.TotalSeconds), tag);
    }

    public void Delivered(string outcome, int count = 1) => _deliveries.Add(count, new KeyValuePair<string, object?>("outcome", outcome));

    public void ImportRows(int registered, int duplicates, int invalid)
    {
        _importRows.Add(registered, new KeyValuePair<string, object?>("outcome", "registered"));
        _importRows.Add(duplicates, new KeyValuePair<string, object?>("outcome", "duplicate"));
        _importRows.Add(invalid, new KeyValuePair<string, object?>("outcome", "invalid"));
    }

    internal void SetBacklog(long webhookQueueDepth, long eventsPending, long auditPending)
    {
        Interlocked.Exchange(ref _webhookQueueDepth, webhookQueueDepth);
        Interlocked.Exchange(ref _eventsPending, eventsPending);
        Interlocked.Exchange(ref _auditPending, auditPending);
    }

    /// <summary>Registers a gauge read from elsewhere (e.g. the SQLite write gate's queue).</summary>
    internal void Gauge(string name, string unit, string description, Func<long> read) => _meter.CreateObservableGauge(name, read, unit, description);

    public void Dispose() => _meter.Dispose();
}
