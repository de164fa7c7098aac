using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Warden.Sessions;

namespace Warden.Grains.Revocation;

/// <summary>
/// The session grain's two looks at this silo's <see cref="RevocationTable"/>: at the grant gate, and once more right
/// before an answer leaves the grain (after the decision was committed), so an evaluation that was in flight while
/// a revoke's fan-out reached this silo answers deny.
/// </summary>
internal sealed class RevocationGate(RevocationTable table, IRevocationObserver? observer)
{
    /// <summary>The gate of a session activation on this silo.</summary>
    public static RevocationGate For(IServiceProvider services) =>
        new(services.GetRequiredService<RevocationTable>(), services.GetService<IRevocationObserver>());

    /// <summary>The deny reason when the session's agent or tenant is revoked on this silo; null otherwise.</summary>
    public DecisionReason? Check(string tenantId, string agentId) => table.Find(tenantId, agentId)?.ToDenyReason();

    /// <summary>The final answer: <paramref name="decision"/>, or a deny when its scope was revoked meanwhile.</summary>
    public Decision Seal(string tenantId, string agentId, string sessionId, Decision decision)
    {
        // INVARIANT: the stamp is taken before the check. If the check misses an entry, the entry was recorded after
        // the stamp, so the revoke (which returns after every silo recorded it) returns after this answer was final.
        var stamp = observer?.Stamp() ?? 0;
        var final = table.Find(tenantId, agentId) is { } revoked && decision.Effect != DecisionEffect.Deny ? Denied(decision, revoked) : decision;
        observer?.DecisionCompleted(stamp, tenantId, sessionId, final);
        return final;
    }

    /// <summary>The final answers of a batch (see <see cref="Seal(string, string, string, Decision)"/>).</summary>
    public ImmutableArray<Decision> Seal(string tenantId, string agentId, string sessionId, ImmutableArray<Decision> decisions)
    {
        var stamp = observer?.Stamp() ?? 0;
        var final = table.Find(tenantId, agentId) is { } revoked
            ? [.. decisions.Select(d => d.Effect == DecisionEffect.Deny ? d : Denied(d, revoked))]
            : decisions;
        if (observer is not null)
        {
            foreach (var decision in final)
            {
                observer.DecisionCompleted(stamp, tenantId, sessionId, decision);
            }
        }

        return final;
    }

    /// <summary>
    /// The operator's view of a session: an open session whose agent or tenant this silo's table holds is shown
    /// <see cref="SessionStatus.Revoked"/> (who, why, since when, no live grant) from the moment the revoke returned,
    /// although its durable end follows later; every decision it makes meanwhile is a deny.
    /// </summary>
    public SessionInfo View(SessionInfo info)
    {
        // INVARIANT: the revoke returns only after this silo's table holds its scope, so a view taken after the receipt
        // agrees with every decision: none is an allow.
        if (info.Status != SessionStatus.Open || table.Find(info.TenantId, info.AgentId) is not { } revoked)
        {
            return info;
        }

        return info with
        {
            Status = SessionStatus.Revoked,
            EndedAt = revoked.EffectiveAt,
            EndReason = revoked.EndReason,
            EndedBy = revoked.Actor,
            Grants = [.. info.Grants.Select(g => g with { IsLive = false })],
        };
    }

    /// <summary>Tells the test observer (if any) that a revoke returns now.</summary>
    public static RevocationReceipt Returning(IServiceProvider services, RevocationReceipt receipt)
    {
        services.GetService<IRevocationObserver>()?.RevokeReturned(receipt);
        return receipt;
    }

    // The recorded history keeps the commit (it only ever makes later decisions stricter); the answer is a deny.
    private static Decision Denied(Decision decision, RevokedScope revoked) =>
        decision with { Effect = DecisionEffect.Deny, Reasons = [revoked.ToDenyReason()], ApprovalId = null };
}
