using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Lineage.Diagnostics;
using Warden.Lineage.Logs;
using Warden.Lineage.Records;

namespace Warden.Lineage.Chain;

/// <summary>
/// Builds each tenant's hash chain and commits it to an <see cref="ILineageLog"/> with group commit.
/// One writer per process serves every tenant; concurrent appenders share transactions.
/// </summary>
/// <remarks>
/// <para>
/// Appends go into a bounded queue. A single commit loop takes everything queued (up to
/// <see cref="LineageWriterOptions.MaxBatchSize"/>), gives each record the next sequence of its tenant and the
/// previous record's hash, computes its hash, and commits the batch in one call to the log. While that commit runs,
/// new appends queue up and form the next batch: the busier the writer, the larger the batches.
/// </para>
/// <para>
/// Durability (<see cref="LineageDurability.Durable"/>, the default): <see cref="AppendAsync"/> completes after
/// the batch holding its record is committed, so a decision awaited through it is durable before the agent
/// receives it. If the commit fails, every appender in the batch gets <see cref="LineageWriteException"/>.
/// In <see cref="LineageDurability.Asynchronous"/> mode it completes when the record is queued: faster, and the
/// record can be lost.
/// </para>
/// <para>
/// Crash safety: a tenant's chain is opened from the log on its first append (the last durable record and the head
/// marker), so after a crash the chain resumes from the last durable record. Records that were queued but not
/// committed never got a sequence that anyone saw as durable.
/// </para>
/// <para>
/// One writer per tenant at a time: if a tenant's appends move to another process (its writer grain moved), call
/// <see cref="ResetTenantAsync"/> when they move back. If two writers race anyway, the log refuses the duplicate
/// sequence (<see cref="LineageConflictException"/>); the losing appends fail and that writer reloads the chain,
/// so the chain never forks.
/// </para>
/// </remarks>
public sealed class LineageWriter : IAsyncDisposable
{
    private readonly ILineageLog _log;
    private readonly LineageWriterOptions _options;
    private readonly ILineageCommitObserver? _observer;
    private readonly ILogger _logger;
    private readonly Channel<WorkItem> _queue;
    private readonly Task _loop;
    private readonly KeyValuePair<string, object?> _durabilityTag;

    // Durable heads of the tenants this writer has opened. INVARIANT: touched only by the commit loop.
    private readonly Dictionary<string, ChainHead> _heads = new(StringComparer.Ordinal);

    /// <summary>Creates the writer and starts its commit loop.</summary>
    /// <param name="log">Where records are committed.</param>
    /// <param name="options">Settings; null for the defaults (durable).</param>
    /// <param name="observer">Called after each commit, for example to publish records live.</param>
    /// <param name="logger">Where failures are logged.</param>
    public LineageWriter(
        ILineageLog log,
        LineageWriterOptions? options = null,
        ILineageCommitObserver? observer = null,
        ILogger<LineageWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        options ??= new LineageWriterOptions();
        options.Validate();
        _log = log;
        _options = options;
        _observer = observer;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _durabilityTag = new("warden.lineage.durability", options.Durability == LineageDurability.Durable ? "durable" : "async");
        _queue = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,

            // An idle commit loop resumes inside the append that wakes it: it chains that group and hands it to the log
            // on the appender's thread (the loop's awaits never resume on a caller's context), instead of waiting for a
            // thread-pool thread first. Under load the loop is busy committing and never waits here, so this only
            // shortens the path of a lone decision (one caller, unary calls).
            AllowSynchronousContinuations = true,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Whether appends complete after durability or before it.</summary>
    public LineageDurability Durability => _options.Durability;

    /// <summary>
    /// Appends an event to its tenant's chain.
    /// <see cref="LineageDurability.Durable"/>: completes after the record is committed and returns it with its
    /// sequence and hash. <see cref="LineageDurability.Asynchronous"/>: completes once the record is queued, before
    /// it is durable, and returns no record.
    /// </summary>
    /// <param name="evt">The event; validated first.</param>
    /// <param name="cancellationToken">
    /// Stops waiting. Once queued, a record is committed even if the wait is cancelled; a cancelled append must be
    /// treated like a failed one (not known to be durable).
    /// </param>
    /// <exception cref="ArgumentException">The event is invalid (the message names the field).</exception>
    /// <exception cref="LineageWriteException">Durable mode: the record could not be shown durable.</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public async ValueTask<LineageAppendResult> AppendAsync(LineageEvent evt, CancellationToken cancellationToken = default)
    {
        LineageEventValidator.Validate(evt);
        var records = await AppendValidatedAsync([evt], cancellationToken).ConfigureAwait(false);
        return new LineageAppendResult(records.Count == 0 ? null : records[0]);
    }

    /// <summary>
    /// Appends events in order as one group: they get consecutive places in their tenants' chains, are committed in
    /// one transaction, and the call completes once (durable mode: after that commit, with the records in the order of
    /// <paramref name="events"/>; asynchronous mode: once queued, with no records). Cheaper than one
    /// <see cref="AppendAsync"/> per event: one queue item and one completion for the whole group.
    /// </summary>
    /// <param name="events">The events; every one is validated before any is queued.</param>
    /// <param name="cancellationToken">Stops waiting; as with <see cref="AppendAsync"/>, a cancelled group is not known to be durable.</param>
    /// <exception cref="ArgumentException">An event is invalid (nothing was queued), or its record would be too large (nothing of the group was stored).</exception>
    /// <exception cref="LineageWriteException">Durable mode: the group could not be shown durable (none of it is reported stored).</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public ValueTask<IReadOnlyList<LineageRecord>> AppendManyAsync(IReadOnlyList<LineageEvent> events, CancellationToken cancellationToken = default)
    {
        LineageEvent[] copy;
        try
        {
            ArgumentNullException.ThrowIfNull(events);
            if (events.Count == 0)
            {
                return new ValueTask<IReadOnlyList<LineageRecord>>([]);
            }

            copy = new LineageEvent[events.Count];
            for (var i = 0; i < copy.Length; i++)
            {
                LineageEventValidator.Validate(events[i]);
                copy[i] = events[i];
            }
        }
        catch (ArgumentException ex)
        {
            return ValueTask.FromException<IReadOnlyList<LineageRecord>>(ex);
        }

        var durable = _options.Durability == LineageDurability.Durable;
        var item = new WorkItem(copy, durable, _options.TimeProvider.GetTimestamp());
        var enqueued = _queue.Writer.WriteAsync(item, cancellationToken);
        if (!enqueued.IsCompletedSuccessfully || cancellationToken.CanBeCanceled)
        {
            return WaitAsync(enqueued, item, cancellationToken);
        }

        // INVARIANT: the caller awaits the group's own completion (run asynchronously), not a chain of async frames in
        // this class: a grain's continuation is then queued straight to its scheduler when the commit completes, one
        // hop instead of a thread-pool hop into these frames first and a second one into the grain.
        return durable
            ? new ValueTask<IReadOnlyList<LineageRecord>>(item.Completion!.Task)
            : new ValueTask<IReadOnlyList<LineageRecord>>([]);
    }

    private static async ValueTask<IReadOnlyList<LineageRecord>> WaitAsync(ValueTask enqueued, WorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            await enqueued.ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("The lineage writer was disposed.", ex);
        }

        if (item.Completion is null)
        {
            return [];
        }

        return await item.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IReadOnlyList<LineageRecord>> AppendValidatedAsync(LineageEvent[] events, CancellationToken cancellationToken)
    {
        var durable = _options.Durability == LineageDurability.Durable;
        var item = new WorkItem(events, durable, _options.TimeProvider.GetTimestamp());
        await EnqueueAsync(item, cancellationToken).ConfigureAwait(false);
        if (!durable)
        {
            return [];
        }

        return await item.Completion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes when every record appended before the call has been committed or has failed. In asynchronous mode
    /// this is how a caller makes a point durable (for example before answering a close-session call).
    /// </summary>
    /// <exception cref="LineageWriteException">A record appended before the call failed to commit since the previous flush.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var barrier = WorkItem.Barrier();
        await EnqueueAsync(barrier, cancellationToken).ConfigureAwait(false);
        await barrier.ControlCompletion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Forgets the cached head of a tenant's chain, so its next append reads the tail from the log again. Call it
    /// when the tenant's appends return to this process after another process appended (a writer grain that moved
    /// between silos and back). Ordered after every append queued before it.
    /// </summary>
    public async Task ResetTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var reset = WorkItem.Reset(tenantId);
        await EnqueueAsync(reset, cancellationToken).ConfigureAwait(false);
        await reset.ControlCompletion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting appends, commits everything queued, and waits for the commit loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async ValueTask EnqueueAsync(WorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("The lineage writer was disposed.", ex);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<WorkItem>(Math.Min(_options.MaxBatchSize, 4096));
        var reader = _queue.Reader;
        Exception? failureSinceFlush = null;
        var previousRecords = 0;
        var delay = _options.CommitDelay;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (previousRecords >= _options.CommitDelayFromRecords && delay > TimeSpan.Zero)
            {
                // Group commit under load (see LineageWriterOptions.CommitDelay): the appends arriving while this waits
                // join the next batch. Resumes on a thread-pool thread, not on the log's writer thread.
                await Task.Delay(delay, _options.TimeProvider).ConfigureAwait(false);
            }

            WorkItem? control = null;
            var batchRecords = 0;

            // INVARIANT: a group is never split, so a batch can pass MaxBatchSize by the size of its last group.
            while (batchRecords < _options.MaxBatchSize && reader.TryRead(out var item))
            {
                if (item.IsControl)
                {
                    // INVARIANT: a control item acts after everything queued before it is committed.
                    control = item;
                    break;
                }

                batch.Add(item);
                batchRecords += item.Events!.Length;
            }

            if (batch.Count > 0)
            {
                try
                {
                    var failure = await CommitAsync(batch).ConfigureAwait(false);
                    failureSinceFlush ??= failure;
                }
                catch (Exception ex)
                {
                    // INVARIANT: the loop never dies, or every later appender would wait forever. A bug here fails
                    // the batch (closed) and forgets every cached head, so chains reload from the log.
                    LineageWriterLog.BatchFailed(_logger, batch.Count, ex);
                    _heads.Clear();
                    foreach (var item in batch)
                    {
                        Fail(item, ex, item.Events![0].TenantId);
                    }

                    failureSinceFlush ??= ex;
                }

                batch.Clear();
            }

            previousRecords = batchRecords;
            if (control is not null)
            {
                if (control.ResetTenantId is { } tenantId)
                {
                    _heads.Remove(tenantId);
                    control.ControlCompletion!.TrySetResult();
                }
                else if (failureSinceFlush is not null)
                {
                    control.ControlCompletion!.TrySetException(
                        new LineageWriteException("Lineage records appended before this flush were not committed.", failureSinceFlush));
                    failureSinceFlush = null;
                }
                else
                {
                    control.ControlCompletion!.TrySetResult();
                }
            }
        }
    }

    // Chains and commits one batch. Never throws: failures go to the appenders. Returns the failure, if any.
    private async Task<Exception?> CommitAsync(List<WorkItem> batch)
    {
        var records = new List<LineageRecord>(batch.Count);
        var committed = new List<(WorkItem Item, int Start)>(batch.Count);
        var tentative = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        Dictionary<string, Exception>? unavailable = null;
        Exception? failure = null;
        List<(string TenantId, ChainHead? Before)>? touched = null;

        foreach (var item in batch)
        {
            var start = records.Count;
            touched?.Clear();
            Exception? refused = null;
            string? refusedTenant = null;
            foreach (var evt in item.Events!)
            {
                var tenantId = evt.TenantId;
                if (unavailable is not null && unavailable.TryGetValue(tenantId, out var loadError))
                {
                    (refused, refusedTenant) = (loadError, tenantId);
                    break;
                }

                if (tentative.TryGetValue(tenantId, out var head))
                {
                    Remember(ref touched, tenantId, head);
                }
                else
                {
                    try
                    {
                        head = await GetHeadAsync(tenantId).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        LineageWriterLog.ChainLoadFailed(_logger, tenantId, ex);
                        unavailable ??= new(StringComparer.Ordinal);
                        unavailable[tenantId] = ex;
                        failure ??= ex;
                        (refused, refusedTenant) = (ex, tenantId);
                        break;
                    }

                    Remember(ref touched, tenantId, null);
                }

                var sequence = head.Sequence + 1;
                var encoded = LineageRecordSerializer.EncodeChained(sequence, evt, head.Hash, out var hash);
                if (encoded.Length > LineageLimits.MaxRecordBytes)
                {
                    LineageWriterLog.RecordRefused(_logger, tenantId, "too large");
                    (refused, refusedTenant) = (new ArgumentException(
                        $"The encoded record would exceed {LineageLimits.MaxRecordBytes} bytes; cap the context.", "evt"), tenantId);
                    break;
                }

                records.Add(new LineageRecord { Sequence = sequence, Event = evt, PreviousHash = head.Hash, Hash = hash, Encoded = encoded });
                tentative[tenantId] = new ChainHead(sequence, hash);
            }

            if (refused is null)
            {
                committed.Add((item, start));
                continue;
            }

            // INVARIANT: a group is stored whole or not at all: its records leave the batch and its tenants' heads go
            // back to where they were before it, so the next group chains onto the last record that stays.
            records.RemoveRange(start, records.Count - start);
            foreach (var (tenantId, before) in touched ?? [])
            {
                if (before is { } previous)
                {
                    tentative[tenantId] = previous;
                }
                else
                {
                    tentative.Remove(tenantId);
                }
            }

            Fail(item, refused, refusedTenant!);
        }

        if (records.Count == 0)
        {
            return failure;
        }

        using var activity = LineageTelemetry.ActivitySource.StartActivity("lineage.commit");
        activity?.SetTag("warden.lineage.batch.size", records.Count);
        activity?.SetTag("warden.lineage.batch.tenants", tentative.Count);
        var started = _options.TimeProvider.GetTimestamp();
        try
        {
            await _log.AppendAsync(records).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            LineageWriterLog.BatchFailed(_logger, records.Count, ex);
            foreach (var tenantId in tentative.Keys)
            {
                // The outcome is unknown (part may be stored): reload these chains from the log on next use.
                _heads.Remove(tenantId);
            }

            foreach (var (item, _) in committed)
            {
                Fail(item, ex, item.Events![0].TenantId);
            }

            if (_options.Durability == LineageDurability.Asynchronous)
            {
                LineageWriterLog.AsyncRecordsLost(_logger, records.Count);
            }

            return failure ?? ex;
        }

        var now = _options.TimeProvider.GetTimestamp();
        LineageTelemetry.CommitDuration.Record(_options.TimeProvider.GetElapsedTime(started, now).TotalSeconds);
        LineageTelemetry.BatchSize.Record(records.Count);
        LineageTelemetry.RecordsCommitted.Add(records.Count, _durabilityTag);

        foreach (var (tenantId, head) in tentative)
        {
            _heads[tenantId] = head;
        }

        foreach (var (item, start) in committed)
        {
            LineageTelemetry.AppendDuration.Record(_options.TimeProvider.GetElapsedTime(item.EnqueuedAt, now).TotalSeconds);
            if (item.Completion is { } completion)
            {
                var group = new LineageRecord[item.Events!.Length];
                records.CopyTo(start, group, 0, group.Length);
                completion.TrySetResult(group);
            }
        }

        if (_observer is not null)
        {
            try
            {
                _observer.OnCommitted(records);
            }
            catch (Exception ex)
            {
                LineageWriterLog.ObserverFailed(_logger, ex);
            }
        }

        return failure;
    }

    // Notes a tenant's head before a group first touches it (null: not in the batch yet), to undo a refused group.
    private static void Remember(ref List<(string TenantId, ChainHead? Before)>? touched, string tenantId, ChainHead? before)
    {
        touched ??= new(2);
        foreach (var (seen, _) in touched)
        {
            if (string.Equals(seen, tenantId, StringComparison.Ordinal))
            {
                return;
            }
        }

        touched.Add((tenantId, before));
    }

    private async Task<ChainHead> GetHeadAsync(string tenantId)
    {
        if (_heads.TryGetValue(tenantId, out var cached))
        {
            return cached;
        }

        var last = await _log.ReadLastAsync(tenantId).ConfigureAwait(false);
        var marker = await _log.ReadHeadAsync(tenantId).ConfigureAwait(false);
        var head = last is null ? ChainHead.Genesis : ChainHead.Of(last);
        if (last is not null && !last.HasValidHash())
        {
            throw new LineageIntegrityException(
                $"The last stored record of tenant '{tenantId}' (sequence {last.Sequence}) does not match its hash; run verification.")
            { TenantId = tenantId };
        }

        // INVARIANT: every commit writes the head marker with its records, so the two agree unless something
        // outside the writer removed or added records. Appending on top would bury the evidence: refuse.
        if ((marker ?? ChainHead.Genesis) != head)
        {
            throw new LineageIntegrityException(
                $"The head marker of tenant '{tenantId}' ({marker?.ToString() ?? "none"}) does not match the last stored record ({head}); run verification.")
            { TenantId = tenantId };
        }

        _heads[tenantId] = head;
        return head;
    }

    private void Fail(WorkItem item, Exception cause, string tenantId)
    {
        LineageTelemetry.AppendFailures.Add(1, new KeyValuePair<string, object?>("error.type", cause.GetType().Name));
        if (item.Completion is null)
        {
            return;
        }

        Exception error = cause is ArgumentException
            ? cause
            : new LineageWriteException($"The lineage record for tenant '{tenantId}' is not known to be durable: {cause.Message}", cause)
            {
                TenantId = tenantId,
            };
        item.Completion.TrySetException(error);
    }

    private sealed class WorkItem
    {
        public WorkItem(LineageEvent[] events, bool durable, long enqueuedAt)
        {
            Events = events;
            EnqueuedAt = enqueuedAt;
            Completion = durable ? new TaskCompletionSource<IReadOnlyList<LineageRecord>>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        }

        private WorkItem(string? resetTenantId)
        {
            ResetTenantId = resetTenantId;
            ControlCompletion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // One append call's events, in order; committed in one batch, never split. Null for control items.
        public LineageEvent[]? Events { get; }

        public long EnqueuedAt { get; }

        // Completed with the committed records in call order (durable appends only; appenders never wait in asynchronous mode).
        public TaskCompletionSource<IReadOnlyList<LineageRecord>>? Completion { get; }

        public TaskCompletionSource? ControlCompletion { get; }

        public string? ResetTenantId { get; }

        public bool IsControl => ControlCompletion is not null;

        public static WorkItem Barrier() => new((string?)null);

        public static WorkItem Reset(string tenantId) => new(tenantId);
    }
}
