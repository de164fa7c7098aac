using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Warden.Agents;
using Warden.Grains.Tests.Cluster;
using Warden.Policies;
using Warden.Scopes;
using Warden.Sessions;
using Warden.Tenants;
using Xunit.Abstractions;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.KillSwitch;

/// <summary>
/// The kill switch's promise on three silos with shared durable storage: agents evaluate back to back in sessions
/// spread over the cluster while an operator revokes a session, an agent or a tenant; no allow in scope may be sent
/// after the revoke returned (see <see cref="DecisionLog"/>). Then the same with a silo killed in the middle of the
/// fan-out, and with a deliberately broken fan-out, which the checker must catch.
/// </summary>
[Collection(KillSwitchCollection.Name)]
public sealed class KillSwitchTests(KillSwitchClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // A killed silo's calls fail by response timeout or death declaration; on the loaded shared machine that can take
    // a few 10 s timeouts in a row, so the kill test waits longer before calling it a hang.
    private static readonly TimeSpan KillPatience = TimeSpan.FromSeconds(180);
    private static readonly EvaluationRequest Read = Act("doc.read", "Acme::Doc", "reports/q1");

    [Theory]
    [InlineData(RevocationScope.Session)]
    [InlineData(RevocationScope.Agent)]
    [InlineData(RevocationScope.Tenant)]
    public async Task Revoke_UnderLoadOnThreeSilos_NoAllowInScopeAfterReturn(RevocationScope scope)
    {
        var run = await PrepareAsync(scope);
        var log = new DecisionLog();
        await using var load = new AgentLoad(fixture.Client, log, run.All, Read);
        await load.AllAllowedOnceAsync().WaitAsync(Patience);

        var receipt = Ok(await RevokeAsync(run, "incident drill"));
        var revokedAt = log.Next();
        load.RevokeReturnedAt(revokedAt);
        await load.CallsAfterRevokeAsync(run.InScope, calls: 3).WaitAsync(Patience);
        await load.AllowedAfterRevokeAsync(run.Controls).WaitAsync(Patience);

        var violations = log.Violations(run.InScopeSet, revokedAt);
        output.WriteLine($"{scope} scope: {log.Records.Count} decisions, {log.SentAfter(run.InScopeSet, revokedAt).Count} in scope sent after the revoke returned, {violations.Count} violations");
        Assert.True(violations.Count == 0, "allowed after the revoke returned: " + string.Join("; ", violations));
        AssertStrict(run, receipt, scope);
        Assert.All(log.SentAfter(run.InScopeSet, revokedAt), r => Assert.Equal((DecisionEffect.Deny, ExpectedCode(scope)), (r.Effect!.Value, r.Code)));
        Assert.Equal(run.InScope.Count, receipt.SessionsRevoked);
        Assert.Equal(scope, receipt.Scope);
        Assert.True(receipt.CompletedAt >= receipt.EffectiveAt);
        Assert.True(run.All.Select(s => FanOutProbe.ServedBy[WardenIds.SessionKey(s.TenantId, s.SessionId)]).Distinct().Count() >= 2, "sessions did not spread over the silos");
    }

    [Theory]
    [InlineData(RevocationScope.Agent)]
    [InlineData(RevocationScope.Tenant)]
    public async Task Revoke_SiloKilledMidFanOut_NoAllowInScopeAfterReceipt(RevocationScope scope)
    {
        var run = await PrepareAsync(scope);
        var log = new DecisionLog();
        try
        {
            await using var load = new AgentLoad(fixture.Client, log, run.All, Read);
            await load.AllAllowedOnceAsync().WaitAsync(KillPatience);

            // The victim: the non-primary silo serving most sessions in scope, so acknowledgements are outstanding on it.
            var primary = fixture.Cluster.Silos[0].SiloAddress;
            var victim = run.InScope
                .Select(s => FanOutProbe.ServedBy[WardenIds.SessionKey(run.TenantId, s)])
                .Where(a => !a.Equals(primary))
                .GroupBy(a => a)
                .OrderByDescending(g => g.Count())
                .Select(g => g.Key)
                .FirstOrDefault() ?? fixture.Cluster.Silos[^1].SiloAddress;
            var declaredDead = DeathSignal(victim);
            RevocationReceipt receipt;
            using (var arming = FanOutProbe.Arm(victim))
            {
                var revoking = RevokeUntilReceiptAsync(run, declaredDead);
                await arming.Started.Task.WaitAsync(KillPatience);
                output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} fan-out started; killing {victim} (silos: {string.Join(", ", fixture.Cluster.Silos.Select(h => h.SiloAddress))})");
                await fixture.KillAsync(victim);
                output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} killed");
                receipt = await revoking.WaitAsync(KillPatience);
            }

            var revokedAt = log.Next();
            load.RevokeReturnedAt(revokedAt);
            await load.CallsAfterRevokeAsync(run.InScope, calls: 3).WaitAsync(KillPatience);

            var violations = log.Violations(run.InScopeSet, revokedAt);
            Assert.True(violations.Count == 0, "allowed after the revoke returned: " + string.Join("; ", violations));
            AssertStrict(run, receipt, scope);
            Assert.Equal(scope, receipt.Scope);

            // Every session in scope, those of the dead silo included, now answers from storage with the revocation.
            foreach (var sessionId in run.InScope)
            {
                var decision = Ok(await fixture.Client.GetGrain<ISessionGrain>(WardenIds.SessionKey(run.TenantId, sessionId)).EvaluateAsync(Caller.Agent(run.TenantId, run.AgentOf[sessionId]), Read));
                Assert.Equal((DecisionEffect.Deny, ExpectedCode(scope)), (decision.Effect, decision.Code()));
            }
        }
        finally
        {
            await fixture.RestoreAsync();
        }
    }

    [Theory]
    [InlineData(RevocationScope.Agent)]
    [InlineData(RevocationScope.Tenant)]
    public async Task Checker_BrokenFireAndForgetFanOut_FindsAllowsAfterReturn(RevocationScope scope)
    {
        var run = await PrepareAsync(scope);
        var log = new DecisionLog();
        await using var load = new AgentLoad(fixture.Client, log, run.All, Read);
        await load.AllAllowedOnceAsync().WaitAsync(Patience);

        long revokedAt;
        RevocationReceipt receipt;
        using (BrokenFanOut.Enable())
        {
            receipt = Ok(await RevokeAsync(run, "broken drill"));
            revokedAt = log.Next();
            load.RevokeReturnedAt(revokedAt);
            await load.CallsAfterRevokeAsync(run.InScope, calls: 2).WaitAsync(Patience);
        }

        // The broken fan-out returned before any silo heard of the revocation: both checkers must see the allows.
        var violations = log.Violations(run.InScopeSet, revokedAt);
        var strict = ServerStamps.Violations(run.TenantId, run.InScopeSet, ServerStamps.ReturnedAt(receipt));
        output.WriteLine($"broken fan-out, {scope} scope: {violations.Count} allows sent after the return (client), {strict.Count} allows final after the return (server stamps), over {run.InScope.Count} sessions");
        Assert.NotEmpty(violations);
        Assert.NotEmpty(strict);
    }

    [Theory]
    [InlineData(RevocationScope.Agent)]
    [InlineData(RevocationScope.Tenant)]
    public async Task GetSession_RevokedScopeBeforeDurableEnd_ShowsRevokedFromTheReceipt(RevocationScope scope)
    {
        var run = await PrepareAsync(scope);
        RevocationReceipt receipt;
        List<SessionInfo> views;
        using (HeldTerminations.Enable())
        {
            // No session is ended in storage while the hold is on: what GetSession shows comes from the revocation table.
            receipt = Ok(await RevokeAsync(run, "view drill"));
            views = [.. await Task.WhenAll(run.InScope.Select(async s => Ok(await fixture.Client.GetGrain<ISessionGrain>(WardenIds.SessionKey(run.TenantId, s)).GetAsync(Admin))))];
        }

        var expectedReason = scope == RevocationScope.Agent ? "agent suspended: view drill" : "tenant frozen: view drill";
        Assert.All(views, v =>
        {
            Assert.Equal((SessionStatus.Revoked, expectedReason, receipt.RevokedBy, receipt.EffectiveAt), (v.Status, v.EndReason, v.EndedBy, v.EndedAt));
            Assert.All(v.Grants, g => Assert.False(g.IsLive));
        });
        foreach (var controlId in run.Controls)
        {
            var (tenantId, _, _) = run.All.Single(s => s.SessionId == controlId);
            Assert.Equal(SessionStatus.Open, Ok(await fixture.Client.GetGrain<ISessionGrain>(WardenIds.SessionKey(tenantId, controlId)).GetAsync(Admin)).Status);
        }
    }

    /// <summary>
    /// The issue's wording, strictly: no allow in scope completed (was made final in its session grain, server-side
    /// stamp) after the revoke returned (stamped in the revoking grain on the same counter); and the scope's sessions did
    /// decide after it, all deny, so the check is not vacuous.
    /// </summary>
    private void AssertStrict(Run run, RevocationReceipt receipt, RevocationScope scope)
    {
        var returnedAt = ServerStamps.ReturnedAt(receipt);
        var after = ServerStamps.After(run.TenantId, run.InScopeSet, returnedAt);
        var strict = ServerStamps.Violations(run.TenantId, run.InScopeSet, returnedAt);
        output.WriteLine($"{scope} scope, server stamps: revoke returned at #{returnedAt}, {after.Count} decisions in scope final after it, {strict.Count} allows");
        Assert.True(strict.Count == 0, "allow completed after the revoke returned: " + string.Join("; ", strict));
        Assert.NotEmpty(after);
        Assert.All(after, d => Assert.Equal((DecisionEffect.Deny, ExpectedCode(scope)), (d.Effect, d.Code)));
    }

    private static string ExpectedCode(RevocationScope scope) => scope switch
    {
        RevocationScope.Session => ReasonCodes.SessionRevoked,
        RevocationScope.Agent => ReasonCodes.AgentSuspended,
        _ => ReasonCodes.TenantFrozen,
    };

    private async Task<RevocationReceipt> RevokeUntilReceiptAsync(Run run, Task declaredDead)
    {
        // An operator's retry: a revoke that could not confirm every session throws; repeating it repeats the fan-out.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await RevokeAsync(run, "silo lost during incident");
                return Ok(outcome);
            }
            catch (Exception ex) when (attempt < 4)
            {
                output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} revoke attempt {attempt} failed: {ex.GetType().Name}: {ex.Message}");
                await declaredDead.WaitAsync(KillPatience);
                output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} victim declared dead");
            }
        }
    }

    private Task<Outcome<RevocationReceipt>> RevokeAsync(Run run, string reason) => run.Scope switch
    {
        RevocationScope.Session => fixture.Client.GetGrain<ISessionGrain>(WardenIds.SessionKey(run.TenantId, run.InScope[0])).RevokeAsync(Admin, reason),
        RevocationScope.Agent => fixture.Client.GetGrain<IAgentGrain>(WardenIds.AgentKey(run.TenantId, "a0")).SuspendAsync(new StatusChange(reason, Admin)),
        _ => fixture.Client.GetGrain<ITenantGrain>(run.TenantId).FreezeAsync(new StatusChange(reason, Admin)),
    };

    /// <summary>Completes when the primary silo's view of the membership table says <paramref name="victim"/> is dead.</summary>
    /// <remarks>
    /// Read from the membership snapshots, not a status listener: a listener only hears changes it is subscribed for in
    /// time, and a missed one left a retry waiting for ever (the hang seen once on the second kill of a run).
    /// </remarks>
    private async Task DeathSignal(SiloAddress victim)
    {
        var membership = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IClusterMembershipService>();
        if (membership.CurrentSnapshot.GetSiloStatus(victim) == SiloStatus.Dead)
        {
            return;
        }

        await foreach (var snapshot in membership.MembershipUpdates)
        {
            if (snapshot.GetSiloStatus(victim) == SiloStatus.Dead)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A tenant with agents a0 and a1 (four sessions each) and a control tenant (three sessions); which sessions are in
    /// scope depends on <paramref name="scope"/>; every other session must keep being allowed.
    /// </summary>
    private async Task<Run> PrepareAsync(RevocationScope scope)
    {
        var (tenantId, target) = await TenancyAsync(agents: 2, sessionsPerAgent: 4);
        var (controlTenant, control) = await TenancyAsync(agents: 1, sessionsPerAgent: 3);
        var inScope = scope switch
        {
            RevocationScope.Session => [target[0].SessionId],
            RevocationScope.Agent => target.Where(s => s.AgentId == "a0").Select(s => s.SessionId).ToList(),
            _ => target.Select(s => s.SessionId).ToList(),
        };
        var all = target.Select(s => (tenantId, s.AgentId, s.SessionId)).Concat(control.Select(s => (controlTenant, s.AgentId, s.SessionId))).ToList();
        return new Run(scope, tenantId, inScope, [.. all.Where(s => !inScope.Contains(s.SessionId)).Select(s => s.SessionId)], all, target.ToDictionary(s => s.SessionId, s => s.AgentId));
    }

    private async Task<(string TenantId, List<(string AgentId, string SessionId)> Sessions)> TenancyAsync(int agents, int sessionsPerAgent)
    {
        var tenantId = "k" + Guid.NewGuid().ToString("N")[..12];
        var tenant = fixture.Client.GetGrain<ITenantGrain>(tenantId);
        Ok(await tenant.CreateAsync(new CreateTenant("kill switch", Admin)));
        Ok(await tenant.PublishPolicyAsync(new PublishPolicy(Samples.Policies, Samples.Schema, Samples.Entities, Admin)));
        var sessions = new List<(string, string)>();
        for (var a = 0; a < agents; a++)
        {
            var agentId = "a" + a;
            Ok(await tenant.RegisterAgentAsync(new RegisterAgent(agentId, "owner@example.com", agentId, [new ScopeEntry("doc.read", "Acme::Doc::*")], "low", [], [], Admin)));
            var agent = fixture.Client.GetGrain<IAgentGrain>(WardenIds.AgentKey(tenantId, agentId));
            var opened = await Task.WhenAll(Enumerable.Range(0, sessionsPerAgent).Select(_ => agent.OpenSessionAsync(new OpenSession(
                new Intent("read reports", string.Empty, "prompt-1", "sha256:00", "user@example.com"), [new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\"")], TimeSpan.FromMinutes(10)))));
            sessions.AddRange(opened.Select(o => (agentId, Ok(o).SessionId)));
        }

        return (tenantId, sessions);
    }

    private sealed record Run(
        RevocationScope Scope,
        string TenantId,
        List<string> InScope,
        List<string> Controls,
        List<(string TenantId, string AgentId, string SessionId)> All,
        Dictionary<string, string> AgentOf)
    {
        public IReadOnlySet<string> InScopeSet { get; } = InScope.ToHashSet(StringComparer.Ordinal);
    }
}
