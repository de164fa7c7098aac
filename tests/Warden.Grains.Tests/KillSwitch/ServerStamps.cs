using System.Collections.Concurrent;
using Warden.Grains.Revocation;
using Warden.Sessions;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>A decision as the session grain made it final, with its server-side stamp.</summary>
/// <param name="Stamp">Taken right before the revocation table's last check in the session grain.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="SessionId">The session.</param>
/// <param name="Effect">The final answer.</param>
/// <param name="Code">Its first reason code.</param>
internal sealed record StampedDecision(long Stamp, string TenantId, string SessionId, DecisionEffect Effect, string Code)
{
    public override string ToString() => $"{SessionId[..8]} #{Stamp} {Effect} {Code}";
}

/// <summary>
/// The strict checker's clock: one process-wide monotonic counter that every in-process silo of the kill-switch cluster
/// stamps decisions with (when they are final, in the session grain) and revokes with (when they return their receipt,
/// in the revoking grain). The promise, checked strictly: no allow in scope carries a stamp above its revoke's.
/// </summary>
internal sealed class ServerStamps : IRevocationObserver
{
    private static readonly ConcurrentQueue<StampedDecision> s_decisions = new();
    private static readonly ConcurrentQueue<(long Stamp, RevocationReceipt Receipt)> s_revokes = new();
    private static long s_counter;

    public long Stamp() => Interlocked.Increment(ref s_counter);

    public void DecisionCompleted(long stamp, string tenantId, string sessionId, Decision decision) =>
        s_decisions.Enqueue(new StampedDecision(stamp, tenantId, sessionId, decision.Effect, decision.Reasons.IsDefaultOrEmpty ? string.Empty : decision.Reasons[0].Code));

    public void RevokeReturned(RevocationReceipt receipt) => s_revokes.Enqueue((Stamp(), receipt));

    /// <summary>The stamp the revoking grain took when it returned <paramref name="receipt"/> (the client holds a copy).</summary>
    public static long ReturnedAt(RevocationReceipt receipt) => s_revokes.Where(r => r.Receipt == receipt).Select(r => r.Stamp).Single();

    /// <summary>Final answers in <paramref name="sessions"/> of <paramref name="tenantId"/> stamped after <paramref name="stamp"/>.</summary>
    public static IReadOnlyList<StampedDecision> After(string tenantId, IReadOnlySet<string> sessions, long stamp) =>
        [.. s_decisions.Where(d => d.Stamp > stamp && d.TenantId == tenantId && sessions.Contains(d.SessionId)).OrderBy(d => d.Stamp)];

    /// <summary>The strict violations: allows in scope made final after the revoke returned.</summary>
    public static IReadOnlyList<StampedDecision> Violations(string tenantId, IReadOnlySet<string> sessions, long revokedAt) =>
        [.. After(tenantId, sessions, revokedAt).Where(d => d.Effect == DecisionEffect.Allow)];
}
