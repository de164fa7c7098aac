using System.Collections.Concurrent;
using Warden.Sessions;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>One evaluation as the agent saw it: sequence numbers taken just before the call and when it returned.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="StartSequence">Taken just before the call was sent.</param>
/// <param name="EndSequence">Taken when the call returned.</param>
/// <param name="CompletedAt">Wall-clock completion time (for failure messages).</param>
/// <param name="Effect">The decision; null when the call failed.</param>
/// <param name="Code">The first reason code, or the error.</param>
internal sealed record DecisionRecord(string SessionId, long StartSequence, long EndSequence, DateTimeOffset CompletedAt, DecisionEffect? Effect, string Code)
{
    public bool IsAllow => Effect == DecisionEffect.Allow;

    public override string ToString() => $"{SessionId[..8]} [{StartSequence}..{EndSequence}] {Effect?.ToString() ?? "error"} {Code} at {CompletedAt:HH:mm:ss.fff}";
}

/// <summary>
/// Every decision of a kill-switch run, ordered by one monotonic sequence (an <see cref="Interlocked"/> counter shared by
/// the agents and the operator), and the checker of the kill switch's promise.
/// </summary>
/// <remarks>
/// The promise: once the revoke returned (sequence <c>R</c>, taken right after it returned), no evaluation in scope is
/// allowed. An evaluation sent after <c>R</c> (start sequence &gt; <c>R</c>) that comes back allowed is a violation. One
/// sent before <c>R</c> may still come back after <c>R</c> with an allow: the session decided it before it processed the
/// revocation, and its answer travelled back slower than the revoke's. Each agent has one call in flight at a time, so
/// there is at most one such answer per session; more would mean allows decided after the revocation, and are counted
/// as violations too.
/// </remarks>
internal sealed class DecisionLog
{
    private readonly ConcurrentQueue<DecisionRecord> _records = new();
    private long _sequence;

    public IReadOnlyCollection<DecisionRecord> Records => _records;

    /// <summary>The next sequence number.</summary>
    public long Next() => Interlocked.Increment(ref _sequence);

    public void Add(DecisionRecord record) => _records.Enqueue(record);

    /// <summary>Allows in <paramref name="scope"/> that break the promise given at <paramref name="revokedAt"/>.</summary>
    public IReadOnlyList<DecisionRecord> Violations(IReadOnlySet<string> scope, long revokedAt)
    {
        var inScope = _records.Where(r => r.IsAllow && scope.Contains(r.SessionId)).ToList();
        var sentAfter = inScope.Where(r => r.StartSequence > revokedAt);
        var tooManyInFlight = inScope
            .Where(r => r.StartSequence < revokedAt && r.EndSequence > revokedAt)
            .GroupBy(r => r.SessionId)
            .Where(g => g.Count() > 1)
            .SelectMany(g => g);
        return [.. sentAfter.Concat(tooManyInFlight).OrderBy(r => r.EndSequence)];
    }

    /// <summary>Decisions in <paramref name="sessions"/> sent after <paramref name="after"/>.</summary>
    public IReadOnlyList<DecisionRecord> SentAfter(IReadOnlySet<string> sessions, long after) =>
        [.. _records.Where(r => sessions.Contains(r.SessionId) && r.StartSequence > after)];
}
