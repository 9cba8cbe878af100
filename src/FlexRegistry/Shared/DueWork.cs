namespace FlexRegistry.Shared;

/// <summary>
/// Wakes a <see cref="DueWorkWorker"/> as soon as work has been queued, instead of waiting for its next poll. Each
/// queue derives its own type so that each worker gets its own signal from DI.
/// </summary>
public abstract class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled: the worker will run anyway.
            }
        }
    }

    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    public void Dispose()
    {
        _signal.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A background worker over a queue kept in the database itself (rows with a due time): it runs passes while there
/// is due work, then sleeps until woken or until the poll interval passes. Because the queue is durable, nothing is
/// lost when the service stops; on restart the worker picks up whatever is still due.
/// </summary>
internal abstract class DueWorkWorker(WorkSignal signal, TimeSpan pollInterval, ILogger logger) : BackgroundService
{
    /// <summary>One pass over due work; returns how many items it handled (0 when nothing was due).</summary>
    internal abstract Task<int> RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0)
                {
                    // Keep going while there is due work.
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "{Worker} pass failed; retrying after the poll interval", GetType().Name);
            }
            try
            {
                await signal.WaitAsync(pollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
