using Warden.Lineage.Chain;
using Warden.Lineage.Logs;
using Warden.Lineage.Query;
using Warden.Lineage.Records;

namespace Warden.Lineage.Tests.Support;

/// <summary>
/// Wraps a log so a test can hold commits at a gate, make them fail, and see the batches (group commit, durability
/// ordering and failure tests).
/// </summary>
internal sealed class ControlledLog(ILineageLog inner) : ILineageLog
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _gate = Open();
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<int> BatchSizes { get; } = [];

    public List<int> CommittedBatchSizes { get; } = [];

    public Exception? FailNext { get; set; }

    /// <summary>When set, every commit from now on fails with it (a process that is gone commits nothing more).</summary>
    public Exception? FailAll { get; set; }

    /// <summary>Completes when an append reaches the gate (reset by <see cref="Close"/>).</summary>
    public Task Entered
    {
        get
        {
            lock (_lock)
            {
                return _entered.Task;
            }
        }
    }

    /// <summary>Holds every following commit until <see cref="Release"/>.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            _gate.TrySetResult();
        }
    }

    public async Task AppendAsync(IReadOnlyList<LineageRecord> records, CancellationToken cancellationToken = default)
    {
        Task gate;
        lock (_lock)
        {
            BatchSizes.Add(records.Count);
            _entered.TrySetResult();
            gate = _gate.Task;
        }

        await gate.ConfigureAwait(false);
        Exception? fail;
        lock (_lock)
        {
            fail = FailNext ?? FailAll;
            FailNext = null;
        }

        if (fail is not null)
        {
            throw fail;
        }

        await inner.AppendAsync(records, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            CommittedBatchSizes.Add(records.Count);
        }
    }

    public Task<LineageRecord?> ReadLastAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.ReadLastAsync(tenantId, cancellationToken);

    public Task<ChainHead?> ReadHeadAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.ReadHeadAsync(tenantId, cancellationToken);

    public IAsyncEnumerable<LineageRecord> ReadAsync(string tenantId, long fromSequence, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(tenantId, fromSequence, cancellationToken);

    public IAsyncEnumerable<LineageRecord> QueryAsync(LineageQuery query, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(query, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
