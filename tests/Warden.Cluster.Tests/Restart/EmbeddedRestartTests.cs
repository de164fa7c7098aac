using System.Diagnostics;
using Grpc.Core;
using Warden.Client;
using Warden.Client.Operators;
using Warden.Cluster.Tests.Infrastructure;
using Warden.Protocol.V1;
using Warden.Testing;

namespace Warden.Cluster.Tests.Restart;

/// <summary>
/// The host on its embedded default (SQLite in the data folder, nothing but <c>--data-path</c> given), stopped and
/// started again on the same folder: everything an operator or agent can see is as it was, and a session that expired
/// while the node was down is closed by its durable reminder.
/// </summary>
public sealed class EmbeddedRestartTests
{
    // Short reminder timings so the expired session is closed within a second or two of the restart; the grain
    // timer is pushed out of the way so that only the durable reminder can close it.
    private static readonly string[] Timings =
    [
        "--Warden:Sessions:ReminderDelay", "00:00:00.200",
        "--Warden:Sessions:ReminderPeriod", "00:00:01",
        "--Warden:Sessions:ExpirySweepDelay", "01:00:00",
        "--Warden:Cluster:Reminders:MinimumReminderPeriod", "00:00:01",
    ];

    // Long enough that a graceful stop on a loaded CI machine ends before it: the test needs the expiry to fall in the gap.
    private static readonly TimeSpan ShortTtl = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Host_RestartOnSameDataFolder_StateUnchangedCredentialsWorkAndExpiredSessionClosed()
    {
        using var data = TempDirectory.Create("restart");
        string tenant, helperCredential, rogueCredential, shortSessionId, openSessionId, revokedSessionId, approvedSessionId;
        Snapshot before;
        DateTimeOffset shortExpiry, stoppedAt;

        await using (var host = await InProcessHost.StartAsync(data.Path, Timings))
        {
            await using var op = host.Operator();
            tenant = await AcmeTenant.CreateAsync(op);
            helperCredential = await AcmeTenant.RegisterAgentAsync(op, tenant, "helper");
            rogueCredential = await AcmeTenant.RegisterAgentAsync(op, tenant, "rogue");
            var timerCredential = await AcmeTenant.RegisterAgentAsync(op, tenant, "timer");

            await using var helper = host.Agent(helperCredential);
            // A session with a live grant, an acknowledged decision and a grant approval left pending.
            var open = await helper.OpenSessionAsync(
                WardenModel.Intent("summarize orders and pay the supplier"),
                [AcmeTenant.Rule("db.query", "Acme::Table::*"), AcmeTenant.Rule("payments.transfer", "Acme::Account::*")],
                TimeSpan.FromMinutes(30));
            openSessionId = open.Id;
            Assert.Single(open.Opened.PendingApprovals);
            AcmeTenant.Allowed(await open.EvaluateAsync("db.query", AcmeTenant.Table("orders"), AcmeTenant.Sql));

            // A session whose transfer grant an operator approved.
            var approved = await helper.OpenSessionAsync(
                WardenModel.Intent("pay invoice 7"), [AcmeTenant.Rule("payments.transfer", "Acme::Account::*")], TimeSpan.FromMinutes(30));
            var approval = await op.ApproveAsync(tenant, approved.Id, approved.Opened.PendingApprovals[0].ApprovalId, "invoice 7 checked");
            approvedSessionId = approved.Id;
            Assert.NotEmpty(approval.GrantId);
            AcmeTenant.Allowed(await approved.EvaluateAsync("payments.transfer", AcmeTenant.Account("operating"), new { amount = 100, to = "DE00" }));

            // A revocation: the rogue agent is suspended, which ends its session.
            await using var rogue = host.Agent(rogueCredential);
            var revoked = await rogue.OpenSessionAsync(WardenModel.Intent("look around"), [AcmeTenant.Rule("db.query", "Acme::Table::*")], TimeSpan.FromMinutes(30));
            revokedSessionId = revoked.Id;
            Assert.Equal(1, (await op.SuspendAgentAsync(tenant, "rogue", "test: stop it")).SessionsEnded);
            Assert.Equal(Decision.Deny, (await revoked.EvaluateAsync("db.query", AcmeTenant.Table("orders"), AcmeTenant.Sql)).Decision);

            // The suspension holds from its receipt on (the deny above); the session's durable end follows shortly after
            // (RevocationOptions.SessionEndDelay). The snapshot is of that settled state: what must survive the restart.
            await WaitUntilAsync(
                async () => (await op.GetSessionAsync(tenant, revokedSessionId)).Session.Status == SessionStatus.Revoked
                    && (await op.GetAgentAsync(tenant, "rogue")).LiveSessions == 0,
                TimeSpan.FromSeconds(30));

            before = await Snapshot.TakeAsync(op, tenant, ["helper", "rogue"], [openSessionId, approvedSessionId, revokedSessionId]);

            // Last: a session that expires while the node is down.
            await using var timer = host.Agent(timerCredential);
            var shortSession = await timer.OpenSessionAsync(WardenModel.Intent("quick look"), [AcmeTenant.Rule("db.query", "Acme::Table::*")], ShortTtl);
            shortSessionId = shortSession.Id;
            shortExpiry = shortSession.Info.ExpiresAt.ToDateTimeOffset();
        }

        stoppedAt = DateTimeOffset.UtcNow;
        Assert.True(stoppedAt < shortExpiry, $"the host took until {stoppedAt:O} to stop, after the session's expiry {shortExpiry:O}: the test proves nothing");

        // The node stays down past the short session's expiry: that gap is what the test is about.
        await Task.Delay(shortExpiry - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100));

        await using (var host = await InProcessHost.StartAsync(data.Path, Timings))
        {
            await using var op = host.Operator();

            // The durable reminder closes the session that expired during the gap. Reading it activates it, but with
            // the grain timer an hour away only the reminder can change its status.
            Session expired = null!;
            await WaitUntilAsync(
                async () => (expired = (await op.GetSessionAsync(tenant, shortSessionId)).Session).Status != SessionStatus.Open,
                TimeSpan.FromSeconds(30));
            Assert.Equal(SessionStatus.Expired, expired.Status);
            Assert.Equal("system:warden", expired.EndedBy);

            var after = await Snapshot.TakeAsync(op, tenant, ["helper", "rogue"], [openSessionId, approvedSessionId, revokedSessionId]);
            Assert.Equal(before, after);

            // The agent credentials were stored as hashes and still authenticate; the suspension still holds.
            await using var helper = host.Agent(helperCredential);
            var open = helper.AttachSession(openSessionId);
            AcmeTenant.Allowed(await open.EvaluateAsync("db.query", AcmeTenant.Table("customers"), AcmeTenant.Sql));
            Assert.Equal(Decision.Deny, (await open.EvaluateAsync("payments.transfer", AcmeTenant.Account("operating"), new { amount = 100, to = "DE00" })).Decision);

            await using var rogue = host.Agent(rogueCredential);
            var stillRevoked = await rogue.AttachSession(revokedSessionId).EvaluateAsync("db.query", AcmeTenant.Table("orders"), AcmeTenant.Sql);
            Assert.Equal(Decision.Deny, stillRevoked.Decision);
            var refused = await Assert.ThrowsAsync<RpcException>(() => rogue.OpenSessionAsync(WardenModel.Intent("again"), [AcmeTenant.Rule("db.query", "Acme::Table::*")]));
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);

            // The approval left pending can still be decided, and an unknown credential is still refused.
            var pending = Assert.Single(await op.ListPendingApprovalsAsync(tenant));
            Assert.Equal(openSessionId, pending.SessionId);
            await using var stranger = host.Agent("wdn_ag_" + new string('x', 43));
            var unknown = await Assert.ThrowsAsync<RpcException>(() => stranger.OpenSessionAsync(WardenModel.Intent("hi"), [AcmeTenant.Rule("db.query", "Acme::Table::*")]));
            Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"condition not met within {timeout.TotalSeconds} s");
            // No signal crosses the restart but the API itself: poll it.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}

/// <summary>What an operator sees of a tenant, in a form that compares by value.</summary>
internal sealed record Snapshot(
    Tenant Tenant,
    PolicySet Policies,
    IReadOnlyList<Agent> Agents,
    IReadOnlyList<Session> Sessions,
    IReadOnlyList<Approval> PendingApprovals)
{
    public static async Task<Snapshot> TakeAsync(WardenOperatorClient op, string tenantId, string[] agentIds, string[] sessionIds)
    {
        var agents = new List<Agent>();
        foreach (var agentId in agentIds)
        {
            agents.Add(await op.GetAgentAsync(tenantId, agentId));
        }

        var sessions = new List<Session>();
        foreach (var sessionId in sessionIds)
        {
            sessions.Add((await op.GetSessionAsync(tenantId, sessionId)).Session);
        }

        var approvals = (await op.ListPendingApprovalsAsync(tenantId)).OrderBy(a => a.ApprovalId, StringComparer.Ordinal).ToArray();
        return new Snapshot(await op.GetTenantAsync(tenantId), await op.GetPoliciesAsync(tenantId), agents, sessions, approvals);
    }

    public bool Equals(Snapshot? other) =>
        other is not null
        && Tenant.Equals(other.Tenant)
        && Policies.Equals(other.Policies)
        && Agents.SequenceEqual(other.Agents)
        && Sessions.SequenceEqual(other.Sessions)
        && PendingApprovals.SequenceEqual(other.PendingApprovals);

    public override int GetHashCode() => Tenant.GetHashCode();

    public override string ToString() =>
        $"{Tenant}\n{Policies.Version}\n{string.Join("\n", Agents)}\n{string.Join("\n", Sessions)}\n{string.Join("\n", PendingApprovals)}";
}
