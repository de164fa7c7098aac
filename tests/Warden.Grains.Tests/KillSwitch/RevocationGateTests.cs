using System.Collections.Immutable;
using Warden.Grains.Revocation;
using Warden.Sessions;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>The decision path's two looks at the silo-local revocation table, without a cluster.</summary>
public sealed class RevocationGateTests
{
    private static readonly Decision Allowed = new(
        "s.1", DecisionEffect.Allow, [new DecisionReason(ReasonCodes.Allowed, "grant g1")], ["p1"], "g1", null, 1, DateTimeOffset.UnixEpoch, 1, [], "r1");

    [Fact]
    public void Seal_AgentRevokedAfterTheCommit_AllowBecomesDenyWithTheReason()
    {
        var table = new RevocationTable();
        var gate = new RevocationGate(table, observer: null);
        table.Record(RevokedScope.Agent("t1", "bot", "runaway loop"));

        var final = gate.Seal("t1", "bot", "s", Allowed);

        Assert.Equal(DecisionEffect.Deny, final.Effect);
        Assert.Equal(ReasonCodes.AgentSuspended, final.Reasons.Single().Code);
        Assert.Contains("runaway loop", final.Reasons.Single().Message, StringComparison.Ordinal);
        Assert.Equal(Allowed.DecisionId, final.DecisionId);
    }

    [Fact]
    public void Seal_TenantFrozen_EveryNonDenyOfTheBatchBecomesDeny()
    {
        var table = new RevocationTable();
        var gate = new RevocationGate(table, observer: null);
        table.Record(RevokedScope.Tenant("t1", "incident"));
        var pending = Allowed with { Effect = DecisionEffect.ApprovalRequired, ApprovalId = "a1" };
        var denied = Allowed with { Effect = DecisionEffect.Deny, Reasons = [new DecisionReason(ReasonCodes.NoGrant, "none")] };

        var final = gate.Seal("t1", "any-agent", "s", [Allowed, pending, denied]);

        Assert.All(final, d => Assert.Equal(DecisionEffect.Deny, d.Effect));
        Assert.Equal([ReasonCodes.TenantFrozen, ReasonCodes.TenantFrozen, ReasonCodes.NoGrant], final.Select(d => d.Reasons[0].Code));
        Assert.Null(final[1].ApprovalId);
    }

    [Fact]
    public void Seal_OtherAgentOrTenantRevokedOrEntryCleared_AnswerUnchanged()
    {
        var table = new RevocationTable();
        var gate = new RevocationGate(table, observer: null);
        table.Record(RevokedScope.Agent("t1", "other", "x"));
        table.Record(RevokedScope.Tenant("t2", "x"));
        table.Record(RevokedScope.Agent("t1", "bot", "x"));
        table.Clear(RevokedScope.Agent("t1", "bot", string.Empty));

        Assert.Same(Allowed, gate.Seal("t1", "bot", "s", Allowed));
        Assert.Null(gate.Check("t1", "bot"));
        Assert.Equal(ReasonCodes.TenantFrozen, gate.Check("t2", "bot")!.Code);
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void Seal_EntryLandsRightAfterTheStamp_AnswerIsDeny()
    {
        // The race the stamp order closes: the entry is recorded between the completion stamp and the check. The check
        // must come after the stamp, so it sees the entry and the answer is a deny (an allow here would be stamped
        // before the entry, hence before the revoke's return, while actually decided after it).
        var table = new RevocationTable();
        var observer = new RecordingObserver(() => table.Record(RevokedScope.Agent("t1", "bot", "late")));
        var gate = new RevocationGate(table, observer);

        var final = gate.Seal("t1", "bot", "s", Allowed);

        Assert.Equal(DecisionEffect.Deny, final.Effect);
        Assert.Equal((1L, DecisionEffect.Deny), observer.Completed.Single());
    }

    [Fact]
    public void Record_Twice_KeepsOneEntryAndTheFirstReason()
    {
        var table = new RevocationTable();
        table.Record(RevokedScope.Agent("t1", "bot", "first"));
        table.Record(RevokedScope.Agent("t1", "bot", "second"));

        Assert.Equal(1, table.Count);
        Assert.Equal("first", table.Find("t1", "bot")!.Reason);
    }

    [Fact]
    public void View_OpenSessionOfSuspendedAgent_ShownRevokedWithWhoWhySinceWhenAndNoLiveGrant()
    {
        var table = new RevocationTable();
        var gate = new RevocationGate(table, observer: null);
        var at = new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
        table.Record(RevokedScope.Agent("t1", "bot", "runaway loop", "operator:t1/ann", at));

        var view = gate.View(OpenSession("t1", "bot"));

        Assert.Equal(SessionStatus.Revoked, view.Status);
        Assert.Equal("agent suspended: runaway loop", view.EndReason);
        Assert.Equal("operator:t1/ann", view.EndedBy);
        Assert.Equal(at, view.EndedAt);
        Assert.False(Assert.Single(view.Grants).IsLive);
    }

    [Fact]
    public void View_FrozenTenant_ShownRevokedAsFrozen()
    {
        var table = new RevocationTable();
        var gate = new RevocationGate(table, observer: null);
        table.Record(RevokedScope.Tenant("t1", "incident"));

        var view = gate.View(OpenSession("t1", "any-agent"));

        Assert.Equal((SessionStatus.Revoked, "tenant frozen: incident"), (view.Status, view.EndReason));
    }

    [Fact]
    public void View_OtherScopeRevokedOrSessionAlreadyEnded_Unchanged()
    {
        var table = new RevocationTable();
        var gate = new RevocationGate(table, observer: null);
        table.Record(RevokedScope.Agent("t1", "other", "x"));
        table.Record(RevokedScope.Tenant("t2", "x"));
        var open = OpenSession("t1", "bot");
        var closed = OpenSession("t2", "bot") with { Status = SessionStatus.Closed, EndReason = "closed by its agent" };

        Assert.Same(open, gate.View(open));
        Assert.Same(closed, gate.View(closed));
    }

    private static SessionInfo OpenSession(string tenantId, string agentId)
    {
        var opened = DateTimeOffset.UnixEpoch;
        var grant = new Grant("g1", "doc.read", "Doc::*", opened, opened.AddHours(1), null, GrantOrigin.SessionOpen, null);
        return new SessionInfo(
            tenantId, "s1", agentId, new Intent("t", string.Empty, "p", "sha256:00", "u"), SessionStatus.Open, opened, opened.AddHours(1),
            null, null, null, [new GrantInfo(grant, null, true)], [], 1, new SessionFacts([], [], ImmutableDictionary<string, long>.Empty, 0, 0, 0));
    }

    private sealed class RecordingObserver(Action onStamp) : IRevocationObserver
    {
        private long _stamp;

        public List<(long Stamp, DecisionEffect Effect)> Completed { get; } = [];

        public long Stamp()
        {
            var stamp = ++_stamp;
            onStamp();
            return stamp;
        }

        public void DecisionCompleted(long stamp, string tenantId, string sessionId, Decision decision) => Completed.Add((stamp, decision.Effect));

        public void RevokeReturned(RevocationReceipt receipt) => Stamp();
    }
}
