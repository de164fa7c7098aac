using Warden.Grains.Sessions;
using Warden.Grains.Tests.Cluster;
using Warden.Lineage.Records;
using Warden.Policies;
using Warden.Scopes;
using Warden.Sessions;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Journal;

/// <summary>
/// Durable lineage as the session's journal: decisions are answered once their lineage records are durable and the
/// session state is written behind; a session coming back replays what its stored state lacks, and fails closed
/// (denies, with the reason) when it cannot.
/// </summary>
[Collection(JournalClusterCollection.Name)]
public sealed class SessionJournalTests(JournalClusterFixture fixture)
{
    private static EvaluationRequest Read => JournalScenario.Read;

    private static EvaluationRequest Secret => JournalScenario.Secret;

    private static EvaluationRequest Mail => JournalScenario.Mail;

    [Fact]
    public async Task Reactivation_DecisionsOnlyInLineage_HistoryUsesAndSequenceRuleMatchWhatTheAgentWasTold()
    {
        var (tenant, session) = await OpenAsync();
        var first = await EvaluateAsync(tenant, session, Read);
        var second = await EvaluateAsync(tenant, session, Read);
        var secret = await EvaluateAsync(tenant, session, Secret);
        var before = Ok(await Grain(tenant, session).GetHistoryAsync(Agent(tenant)));
        var usesBefore = Assert.Single(Ok(await Grain(tenant, session).GetAsync(Agent(tenant))).Grants, g => g.Grant.Action == "doc.read").UsesLeft;

        await fixture.Cluster.DeactivateAsync(Grain(tenant, session));
        var stored = await StoredAsync(tenant, session);
        var after = Ok(await Grain(tenant, session).GetHistoryAsync(Agent(tenant)));
        var usesAfter = Assert.Single(Ok(await Grain(tenant, session).GetAsync(Agent(tenant))).Grants, g => g.Grant.Action == "doc.read").UsesLeft;
        var mail = await EvaluateAsync(tenant, session, Mail);
        var third = await EvaluateAsync(tenant, session, Read);
        var fourth = await EvaluateAsync(tenant, session, Read);

        Assert.True(first.IsAllowed && second.IsAllowed && secret.IsAllowed, string.Join("; ", secret.Reasons));

        // The decisions were never written to the grain state: only the lineage journal had them.
        Assert.True(stored.History.LastSequence < secret.Sequence, $"stored {stored.History.LastSequence}, last decision {secret.Sequence}");
        Assert.Equal(0, stored.History.Decisions);
        Assert.Equal(before.LastSequence, after.LastSequence);
        Assert.Equal(before.Facts.Actions.ToArray(), after.Facts.Actions.ToArray());
        Assert.Equal(before.Facts.Labels.ToArray(), after.Facts.Labels.ToArray());
        Assert.Equal(before.Facts.ActionCounts.OrderBy(p => p.Key).ToArray(), after.Facts.ActionCounts.OrderBy(p => p.Key).ToArray());
        Assert.Equal((before.Facts.Decisions, before.Facts.Allows, before.Facts.Denials), (after.Facts.Decisions, after.Facts.Allows, after.Facts.Denials));
        Assert.Contains("secret", after.Facts.Labels);
        Assert.Equal(1, usesBefore);
        Assert.Equal(usesBefore, usesAfter);

        // Sequence rule and use count decide on the replayed history; sequences continue without a collision.
        Assert.Equal(ReasonCodes.PolicyForbidden, mail.Code());
        Assert.Equal(["no-external-send-after-secret"], mail.DeterminingPolicies.ToArray());
        Assert.Equal(secret.Sequence + 1, mail.Sequence);
        Assert.True(third.IsAllowed, string.Join("; ", third.Reasons));
        Assert.Equal(ReasonCodes.GrantExhausted, fourth.Code());
    }

    [Fact]
    public async Task LifecycleChange_AfterDeferredDecisions_WritesThemWithItAtOnce()
    {
        var (tenant, session) = await OpenAsync();
        var read = await EvaluateAsync(tenant, session, Read);
        var deferred = await StoredAsync(tenant, session);

        Ok(await Grain(tenant, session).RequestGrantAsync(Agent(tenant), new GrantRequest([new ScopeRequest("vault.read", "Acme::Vault::*")], "need the key", null)));
        var written = await StoredAsync(tenant, session);

        Assert.True(read.IsAllowed);
        Assert.Equal(0, deferred.History.Decisions);
        Assert.Equal(1, written.History.Decisions);
        Assert.True(written.History.LastSequence > read.Sequence);
        Assert.True(written.LineageCursor > 0);
    }

    [Fact]
    public async Task Reactivation_JournalUnreadable_DeniesEveryEvaluationWithTheReasonUntilItReplays()
    {
        var (tenant, session) = await OpenAsync();
        Assert.True((await EvaluateAsync(tenant, session, Secret)).IsAllowed);
        await fixture.Cluster.DeactivateAsync(Grain(tenant, session));
        fixture.Log.FailReads(tenant);

        var read = await EvaluateAsync(tenant, session, Read);
        var mail = await EvaluateAsync(tenant, session, Mail);
        var stored = await StoredAsync(tenant, session);
        fixture.Log.Heal(tenant);
        await EvaluateAsync(tenant, session, Read); // decided while the history was incomplete: denied, then it replays
        var healed = await EvaluateAsync(tenant, session, Read);
        var mailHealed = await EvaluateAsync(tenant, session, Mail);

        Assert.All([read, mail], d =>
        {
            Assert.Equal(DecisionEffect.Deny, d.Effect);
            Assert.Equal(ReasonCodes.InternalError, d.Code());
            Assert.Contains("replayed from lineage", d.Reasons[0].Message, StringComparison.Ordinal);
        });

        // Nothing decided on the incomplete history was kept: no state write, no record in the journal.
        Assert.Equal(0, stored.History.Decisions);
        Assert.DoesNotContain(await DecisionRecordsAsync(tenant, session), r => r.Event.DecisionId == read.DecisionId && r.Event.Reasons.Any(x => x.Contains("replayed", StringComparison.Ordinal)));
        Assert.True(healed.IsAllowed, string.Join("; ", healed.Reasons));
        Assert.Equal(ReasonCodes.PolicyForbidden, mailHealed.Code());
    }

    [Fact]
    public async Task Reactivation_GapInTheJournal_DeniesRatherThanDecideOnAHistoryWithAHole()
    {
        var (tenant, session) = await OpenAsync();
        var secret = await EvaluateAsync(tenant, session, Secret);
        var read = await EvaluateAsync(tenant, session, Read);
        Assert.True(secret.IsAllowed && read.IsAllowed);
        await fixture.Cluster.DeactivateAsync(Grain(tenant, session));

        // The secret read's record is missing: replaying the rest would forget it and allow an external send.
        fixture.Log.Hide(tenant, r => r.Event.DecisionId == secret.DecisionId);
        var mail = await EvaluateAsync(tenant, session, Mail);
        fixture.Log.Heal(tenant);

        Assert.Equal(DecisionEffect.Deny, mail.Effect);
        Assert.Equal(ReasonCodes.InternalError, mail.Code());
        Assert.Contains("replayed from lineage", mail.Reasons[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_WhileTheJournalIsUnreadable_StillEndsTheSession()
    {
        var (tenant, session) = await OpenAsync();
        Assert.True((await EvaluateAsync(tenant, session, Read)).IsAllowed);
        await fixture.Cluster.DeactivateAsync(Grain(tenant, session));
        fixture.Log.FailReads(tenant);

        var receipt = Ok(await Grain(tenant, session).RevokeAsync(Admin, "incident"));
        var stored = await StoredAsync(tenant, session);
        fixture.Log.Heal(tenant);
        var after = await EvaluateAsync(tenant, session, Read);

        Assert.Equal(1, receipt.SessionsRevoked);
        Assert.Equal(SessionStatus.Revoked, stored.Status);
        Assert.Equal(ReasonCodes.SessionRevoked, after.Code());
    }

    [Fact]
    public async Task DecisionRecord_CarriesTheSessionStepItIsReplayedFrom()
    {
        var (tenant, session) = await OpenAsync();
        var secret = await EvaluateAsync(tenant, session, Act("vault.read", "Acme::Vault", "api-key", null, "secret"));

        var record = Assert.Single(await DecisionRecordsAsync(tenant, session));

        Assert.Equal(secret.DecisionId, record.Event.DecisionId);
        Assert.Equal(secret.Sequence, record.Event.Step!.SessionSequence);
        Assert.Contains("secret", record.Event.Step.Labels);
        Assert.True(record.HasValidHash());
    }

    private Task<(string Tenant, string Session)> OpenAsync() => JournalScenario.OpenAsync(fixture.Client);

    private ISessionGrain Grain(string tenant, string session) => JournalScenario.Grain(fixture.Client, tenant, session);

    private static Caller Agent(string tenant) => JournalScenario.Agent(tenant);

    private Task<Decision> EvaluateAsync(string tenant, string session, EvaluationRequest request) =>
        JournalScenario.EvaluateAsync(fixture.Client, tenant, session, request);

    private Task<SessionState> StoredAsync(string tenant, string session) => JournalScenario.StoredAsync(fixture.Cluster, tenant, session);

    private async Task<List<LineageRecord>> DecisionRecordsAsync(string tenant, string session)
    {
        var records = new List<LineageRecord>();
        await foreach (var record in fixture.Log.QueryAsync(new Warden.Lineage.Query.LineageQuery { TenantId = tenant, SessionId = session, Kind = LineageEventKind.Decision }))
        {
            records.Add(record);
        }

        return records;
    }
}
