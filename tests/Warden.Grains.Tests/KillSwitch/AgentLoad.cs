using Warden.Sessions;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>One agent per session evaluating back to back, each decision recorded in a <see cref="DecisionLog"/>.</summary>
internal sealed class AgentLoad : IAsyncDisposable
{
    private readonly List<Worker> _workers;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running;
    private long _revokedAt = long.MaxValue;

    public AgentLoad(IClusterClient client, DecisionLog log, IEnumerable<(string TenantId, string AgentId, string SessionId)> sessions, EvaluationRequest request)
    {
        _workers = [.. sessions.Select(s => new Worker(s.TenantId, s.AgentId, s.SessionId))];
        _running = [.. _workers.Select(w => Task.Run(() => RunAsync(client, log, w, request)))];
    }

    /// <summary>Completes when every session has been allowed at least once (the load is live before the revoke).</summary>
    public Task AllAllowedOnceAsync() => Task.WhenAll(_workers.Select(w => w.FirstAllow.Task));

    /// <summary>Marks the revoke's return; from now on each worker counts the calls it sends.</summary>
    public void RevokeReturnedAt(long sequence) => Interlocked.Exchange(ref _revokedAt, sequence);

    /// <summary>Completes when every session in <paramref name="sessions"/> has answered <paramref name="calls"/> calls sent after the revoke returned.</summary>
    public Task CallsAfterRevokeAsync(IEnumerable<string> sessions, int calls)
    {
        var set = sessions.ToHashSet(StringComparer.Ordinal);
        return Task.WhenAll(_workers.Where(w => set.Contains(w.SessionId)).Select(w => w.AfterRevoke(calls)));
    }

    /// <summary>Completes when every session in <paramref name="sessions"/> was allowed once by a call sent after the revoke returned.</summary>
    public Task AllowedAfterRevokeAsync(IEnumerable<string> sessions)
    {
        var set = sessions.ToHashSet(StringComparer.Ordinal);
        return Task.WhenAll(_workers.Where(w => set.Contains(w.SessionId)).Select(w => w.AllowAfterRevoke.Task));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        _stop.Dispose();
    }

    private async Task RunAsync(IClusterClient client, DecisionLog log, Worker worker, EvaluationRequest request)
    {
        var session = client.GetGrain<ISessionGrain>(WardenIds.SessionKey(worker.TenantId, worker.SessionId));
        var caller = Caller.Agent(worker.TenantId, worker.AgentId);
        while (!_stop.IsCancellationRequested)
        {
            var start = log.Next();
            DecisionRecord record;
            try
            {
                var outcome = await session.EvaluateAsync(caller, request);
                var end = log.Next();
                record = outcome.IsOk
                    ? new DecisionRecord(worker.SessionId, start, end, DateTimeOffset.UtcNow, outcome.Value.Effect, outcome.Value.Reasons.IsDefaultOrEmpty ? string.Empty : outcome.Value.Reasons[0].Code)
                    : new DecisionRecord(worker.SessionId, start, end, DateTimeOffset.UtcNow, null, outcome.Error!.Message);
            }
            catch (Exception ex)
            {
                record = new DecisionRecord(worker.SessionId, start, log.Next(), DateTimeOffset.UtcNow, null, ex.GetType().Name);
            }

            log.Add(record);
            worker.Observe(record, Interlocked.Read(ref _revokedAt));
        }
    }

    private sealed class Worker(string tenantId, string agentId, string sessionId)
    {
        private readonly Lock _gate = new();
        private readonly List<(int Calls, TaskCompletionSource Signal)> _waiters = [];
        private int _callsAfterRevoke;

        public string TenantId { get; } = tenantId;

        public string AgentId { get; } = agentId;

        public string SessionId { get; } = sessionId;

        public TaskCompletionSource FirstAllow { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource AllowAfterRevoke { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task AfterRevoke(int calls)
        {
            lock (_gate)
            {
                if (_callsAfterRevoke >= calls)
                {
                    return Task.CompletedTask;
                }

                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((calls, signal));
                return signal.Task;
            }
        }

        public void Observe(DecisionRecord record, long revokedAt)
        {
            if (record.IsAllow)
            {
                FirstAllow.TrySetResult();
            }

            if (record.StartSequence <= revokedAt)
            {
                return;
            }

            if (record.IsAllow)
            {
                AllowAfterRevoke.TrySetResult();
            }

            lock (_gate)
            {
                _callsAfterRevoke++;
                foreach (var waiter in _waiters.Where(w => w.Calls <= _callsAfterRevoke).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Signal.TrySetResult();
                }
            }
        }
    }
}
