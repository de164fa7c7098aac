using Warden.Events;
using Warden.Grains.Tests.Cluster;
using Warden.Policies;
using Warden.Scopes;
using Warden.Sessions;
using static Warden.Grains.Tests.Cluster.Scenario;

namespace Warden.Grains.Tests.Sessions;

/// <summary>The two gates with the sample policy set (samples/): grants, expiry, uses, intent and sequence rules, approvals.</summary>
[Collection(WardenClusterCollection.Name)]
public sealed class PolicyGateTests(WardenClusterFixture fixture)
{
    private static readonly ScopeEntry[] Surface =
    [
        new("doc.read", "Acme::Doc::\"reports/*\""),
        new("report.write", "Acme::Doc::\"reports/*\""),
        new("db.query", "Acme::Table::*"),
        new("vault.read", "Acme::Vault::*"),
        new("email.send", "Acme::Mailbox::*"),
        new("payments.transfer", "Acme::Account::*"),
    ];

    private async Task<string> TenantAsync() => await fixture.NewTenantAsync(Samples.Policies, Samples.Schema, Samples.Entities);

    private async Task<(string Tenant, SessionOpened Session)> SessionAsync(string purpose, TimeSpan? ttl, params ScopeRequest[] scope)
    {
        var tenantId = await TenantAsync();
        await fixture.NewAgentAsync(tenantId, "bot", Surface);
        return (tenantId, await fixture.OpenAsync(tenantId, "bot", ttl, purpose, scope));
    }

    private Task<Decision> Evaluate(string tenantId, SessionOpened session, EvaluationRequest request) =>
        fixture.EvaluateAsync(tenantId, "bot", session.SessionId, request);

    private static EvaluationRequest Mail(string to = "someone@example.org") =>
        Act("email.send", "Acme::Mailbox", "outbox", $$"""{"to":"{{to}}","subject":"hello"}""");

    private static EvaluationRequest Transfer(long amount) =>
        Act("payments.transfer", "Acme::Account", "operating", $$"""{"amount":{{amount}},"to":"DE00"}""");

    [Fact]
    public async Task Evaluate_CoveredByGrantAndPermitted_AllowsWithGrantAndPolicy()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\""));

        var decision = await Evaluate(tenantId, session, Act("doc.read", "Acme::Doc", "reports/2026-q1"));

        Assert.Equal(DecisionEffect.Allow, decision.Effect);
        Assert.Equal(session.Grants[0].GrantId, decision.GrantId);
        Assert.Equal(["allow-within-grants"], decision.DeterminingPolicies.ToArray());
        Assert.Equal(1, decision.PolicyVersion);
    }

    [Fact]
    public async Task Evaluate_AllowsUnderDifferentGrants_EachReasonNamesItsOwnGrantAndPolicies()
    {
        // The allow reason is reused while grant and policies stay the same; it must follow when either changes.
        var (tenantId, session) = await SessionAsync(
            string.Empty, null, new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\""), new ScopeRequest("report.write", "Acme::Doc::\"reports/*\""));
        var read = Act("doc.read", "Acme::Doc", "reports/2026-q1");
        var write = Act("report.write", "Acme::Doc", "reports/2026-q1");

        var decisions = new List<Decision>();
        foreach (var request in new[] { read, read, write, read })
        {
            decisions.Add(await Evaluate(tenantId, session, request));
        }

        Assert.Equal(2, decisions.Select(d => d.GrantId).Distinct().Count());
        Assert.All(decisions, d =>
        {
            Assert.True(d.IsAllowed, string.Join("; ", d.Reasons));
            var reason = Assert.Single(d.Reasons);
            Assert.Equal(ReasonCodes.Allowed, reason.Code);
            Assert.Equal($"grant {d.GrantId} and policies {string.Join(", ", d.DeterminingPolicies)}", reason.Message);
        });
    }

    [Fact]
    public async Task Open_RequestWiderThanSurface_IssuesOnlyTheDeclaredPart()
    {
        var (_, session) = await SessionAsync(string.Empty, null, new ScopeRequest("doc.read", "Acme::Doc::*"), new ScopeRequest("doc.delete", "Acme::Doc::*"));

        Assert.Equal("Acme::Doc::\"reports/*\"", Assert.Single(session.Grants).Resource);
        Assert.Equal(ReasonCodes.OutsideSurface, Assert.Single(session.Refused).Code);
    }

    [Fact]
    public async Task Evaluate_ResourceOutsideEveryGrant_DeniesNoGrant()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\""));

        var decision = await Evaluate(tenantId, session, Act("doc.read", "Acme::Doc", "hr/salaries"));

        Assert.Equal(ReasonCodes.NoGrant, decision.Code());
        Assert.Empty(decision.DeterminingPolicies);
    }

    [Fact]
    public async Task Evaluate_GrantPastItsExpiry_DeniesWhileTheSessionLives()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, TimeSpan.FromMinutes(10));
        var requested = Ok(await fixture.Session(tenantId, session.SessionId).RequestGrantAsync(
            Caller.Agent(tenantId, "bot"), new GrantRequest([new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\"")], "need the report", TimeSpan.FromMinutes(1))));
        var grant = Assert.Single(requested.Issued);
        var before = await Evaluate(tenantId, session, Act("doc.read", "Acme::Doc", "reports/2026-q1"));

        fixture.JumpTo(grant.ExpiresAt);
        var after = await Evaluate(tenantId, session, Act("doc.read", "Acme::Doc", "reports/2026-q1"));

        Assert.True(before.IsAllowed);
        Assert.Equal(ReasonCodes.GrantExpired, after.Code());
        Assert.True(grant.ExpiresAt < session.ExpiresAt);
    }

    [Fact]
    public async Task Evaluate_UseCountSpent_DeniesExhausted()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\"", MaxUses: 2));
        var read = Act("doc.read", "Acme::Doc", "reports/2026-q1");

        var first = await Evaluate(tenantId, session, read);
        var second = await Evaluate(tenantId, session, read);
        var third = await Evaluate(tenantId, session, read);
        var info = Ok(await fixture.Session(tenantId, session.SessionId).GetAsync(Caller.Agent(tenantId, "bot")));

        Assert.True(first.IsAllowed && second.IsAllowed);
        Assert.Equal(ReasonCodes.GrantExhausted, third.Code());
        Assert.Equal(0, Assert.Single(info.Grants).UsesLeft);
    }

    [Fact]
    public async Task Evaluate_UseCountAfterReactivationFromStorage_StaysSpent()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\"", MaxUses: 1));
        var read = Act("doc.read", "Acme::Doc", "reports/2026-q1");
        Assert.True((await Evaluate(tenantId, session, read)).IsAllowed);

        await fixture.Cluster.DeactivateAsync(fixture.Session(tenantId, session.SessionId));
        var again = await Evaluate(tenantId, session, read);

        Assert.Equal(ReasonCodes.GrantExhausted, again.Code());
    }

    [Fact]
    public async Task Close_SessionWithSeveralGrants_EndsEveryGrantAtOnce()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\""), new ScopeRequest("db.query", "Acme::Table::*"));
        Assert.Equal(2, session.Grants.Length);

        var closed = Ok(await fixture.Session(tenantId, session.SessionId).CloseAsync(Caller.Agent(tenantId, "bot")));
        var read = await Evaluate(tenantId, session, Act("doc.read", "Acme::Doc", "reports/2026-q1"));
        var query = await Evaluate(tenantId, session, Act("db.query", "Acme::Table", "orders", """{"sql":"select 1"}"""));

        Assert.All(closed.Grants, g => Assert.False(g.IsLive));
        Assert.Equal(ReasonCodes.SessionClosed, read.Code());
        Assert.Equal(ReasonCodes.SessionClosed, query.Code());
    }

    [Fact]
    public async Task IntentRule_ToolOutsideTheDeclaredTask_Forbidden()
    {
        var (tenantId, session) = await SessionAsync("quarterly-report", null, new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\""), new ScopeRequest("email.send", "Acme::Mailbox::*"));

        var read = await Evaluate(tenantId, session, Act("doc.read", "Acme::Doc", "reports/2026-q1"));
        var mail = await Evaluate(tenantId, session, Mail());

        Assert.True(read.IsAllowed);
        Assert.Equal(ReasonCodes.PolicyForbidden, mail.Code());
        Assert.Equal(["intent-report-only"], mail.DeterminingPolicies.ToArray());
        Assert.Contains(mail.Reasons, r => r.Message.Contains("quarterly report", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IntentRule_OtherPurpose_SameToolAllowed()
    {
        var (tenantId, session) = await SessionAsync("customer-support", null, new ScopeRequest("email.send", "Acme::Mailbox::*"));

        Assert.True((await Evaluate(tenantId, session, Mail())).IsAllowed);
    }

    [Fact]
    public async Task SequenceRule_ExternalSendAfterReadingAPublishedSecret_Forbidden()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("vault.read", "Acme::Vault::*"), new ScopeRequest("email.send", "Acme::Mailbox::*"));

        var before = await Evaluate(tenantId, session, Mail());
        var secret = await Evaluate(tenantId, session, Act("vault.read", "Acme::Vault", "prod-db-password"));
        var after = await Evaluate(tenantId, session, Mail());

        Assert.True(before.IsAllowed, string.Join("; ", before.Reasons));
        Assert.True(secret.IsAllowed, string.Join("; ", secret.Reasons));
        Assert.Equal(ReasonCodes.PolicyForbidden, after.Code());
        Assert.Equal(["no-external-send-after-secret"], after.DeterminingPolicies.ToArray());
    }

    [Fact]
    public async Task SequenceRule_SecretLabelReportedWithTheRequest_AlsoForbidsAndSurvivesReactivation()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("vault.read", "Acme::Vault::*"), new ScopeRequest("email.send", "Acme::Mailbox::*"));

        Assert.True((await Evaluate(tenantId, session, Act("vault.read", "Acme::Vault", "api-key", null, "secret"))).IsAllowed);
        await fixture.Cluster.DeactivateAsync(fixture.Session(tenantId, session.SessionId));
        var after = await Evaluate(tenantId, session, Mail());

        Assert.Equal(ReasonCodes.PolicyForbidden, after.Code());
    }

    [Fact]
    public async Task SessionTags_ActionCountFromHistory_LimitsQueries()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("db.query", "Acme::Table::*"));
        var query = Act("db.query", "Acme::Table", "orders", """{"sql":"select * from orders","limit":10}""");

        var decisions = new List<Decision>();
        for (var i = 0; i < 4; i++)
        {
            decisions.Add(await Evaluate(tenantId, session, query));
        }

        Assert.All(decisions.Take(3), d => Assert.True(d.IsAllowed));
        Assert.Equal(["at-most-3-queries"], decisions[3].DeterminingPolicies.ToArray());
    }

    [Fact]
    public async Task Evaluate_ArgumentsMissingADeclaredField_DeniesRequestInvalid()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("db.query", "Acme::Table::*"));

        var missing = await Evaluate(tenantId, session, Act("db.query", "Acme::Table", "orders", """{"limit":10}"""));
        var wrongType = await Evaluate(tenantId, session, Act("db.query", "Acme::Table", "orders", """{"sql":42}"""));
        var extra = await Evaluate(tenantId, session, Act("db.query", "Acme::Table", "orders", """{"sql":"select 1","dryRun":true}"""));
        var notJson = await fixture.Session(tenantId, session.SessionId).EvaluateAsync(Caller.Agent(tenantId, "bot"), Act("db.query", "Acme::Table", "orders", "{sql"));
        var notObject = await fixture.Session(tenantId, session.SessionId).EvaluateAsync(Caller.Agent(tenantId, "bot"), Act("db.query", "Acme::Table", "orders", "[1]"));

        Assert.Equal(ReasonCodes.RequestInvalid, missing.Code());
        Assert.Equal(ReasonCodes.RequestInvalid, wrongType.Code());
        Assert.DoesNotContain(wrongType.Reasons, r => r.Message.Contains("42", StringComparison.Ordinal));
        Assert.True(extra.IsAllowed);
        Assert.Equal("input", Assert.Single(notJson.Error!.Violations).Field);
        Assert.Equal("input", Assert.Single(notObject.Error!.Violations).Field);
    }

    [Fact]
    public async Task Publish_InvalidSet_RefusedWithErrorsAndPreviousStaysInForce()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\""));
        var tenant = fixture.Tenant(tenantId);
        var typeError = Samples.Policies + "\n@id(\"broken\")\nforbid (principal, action, resource) when { context.session.labels > 3 };";

        var refused = await tenant.PublishPolicyAsync(new PublishPolicy(typeError, Samples.Schema, Samples.Entities, Admin));
        var unparsable = await tenant.PublishPolicyAsync(new PublishPolicy("permit (principal, action", Samples.Schema, null, Admin));
        var badSchema = await tenant.PublishPolicyAsync(new PublishPolicy(Samples.Policies, "entity Oops = {", null, Admin));
        var current = Ok(await tenant.GetPolicyAsync());
        var decision = await Evaluate(tenantId, session, Act("doc.read", "Acme::Doc", "reports/2026-q1"));

        Assert.Equal(CallStatus.InvalidArgument, refused.Status);
        Assert.Contains(refused.Error!.Violations, v => v.Field == "policies" && v.Description.StartsWith("broken:", StringComparison.Ordinal));
        Assert.Equal("policies", Assert.Single(unparsable.Error!.Violations).Field);
        Assert.Equal("schema", Assert.Single(badSchema.Error!.Violations).Field);
        Assert.Equal(1, current.Info.Version);
        Assert.True(decision.IsAllowed);
        Assert.Equal(1, decision.PolicyVersion);
    }

    [Fact]
    public async Task Publish_NewVersion_EveryLiveSessionUsesItOnceItReturns()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\""));
        var read = Act("doc.read", "Acme::Doc", "reports/2026-q1");
        Assert.True((await Evaluate(tenantId, session, read)).IsAllowed);
        var stricter = Samples.Policies + "\n@id(\"no-reading\")\nforbid (principal, action == Action::\"doc.read\", resource);";

        var published = Ok(await fixture.Tenant(tenantId).PublishPolicyAsync(new PublishPolicy(stricter, Samples.Schema, Samples.Entities, Admin, ExpectedVersion: 1)));
        var decision = await Evaluate(tenantId, session, read);

        Assert.Equal(2, published.Version);
        Assert.Equal(ReasonCodes.PolicyForbidden, decision.Code());
        Assert.Equal(2, decision.PolicyVersion);
    }

    [Fact]
    public async Task Publish_StaleExpectedVersion_FailedPrecondition()
    {
        var tenantId = await TenantAsync();

        var stale = await fixture.Tenant(tenantId).PublishPolicyAsync(new PublishPolicy(Samples.Policies, Samples.Schema, Samples.Entities, Admin, ExpectedVersion: 0));

        Assert.Equal(CallStatus.FailedPrecondition, stale.Status);
    }

    [Fact]
    public async Task Open_PolicyForbidsHolding_RefusesTheGrant()
    {
        var tenantId = await fixture.NewTenantAsync(
            Samples.PoliciesFrom("baseline") + "\n@id(\"no-mail\")\nforbid (principal, action == Warden::Action::\"hold\", resource) when { resource.action == \"email.send\" };",
            Samples.Schema);
        await fixture.NewAgentAsync(tenantId, "bot", Surface);

        var session = await fixture.OpenAsync(tenantId, "bot", new ScopeRequest("email.send", "Acme::Mailbox::*"), new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\""));

        Assert.Equal("doc.read", Assert.Single(session.Grants).Action);
        Assert.Equal(ReasonCodes.NotHoldable, Assert.Single(session.Refused).Code);
    }

    [Fact]
    public async Task GrantApproval_OperatorApproves_GrantIssuedAndAgentLearnsByPollAndStream()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("payments.transfer", "Acme::Account::*"));
        var pending = Assert.Single(session.PendingApprovals);
        await using var probe = await EventProbe.ForSessionAsync(fixture, tenantId, session.SessionId);
        var grain = fixture.Session(tenantId, session.SessionId);

        var beforeApproval = await Evaluate(tenantId, session, Transfer(100));
        var listed = Ok(await fixture.Tenant(tenantId).ListPendingApprovalsAsync());
        var byAgent = await grain.DecideApprovalAsync(Caller.Agent(tenantId, "bot"), new ApprovalDecision(pending.ApprovalId, true, "self-approve"));
        var approved = Ok(await grain.DecideApprovalAsync(Caller.Operator(tenantId, "op1"), new ApprovalDecision(pending.ApprovalId, true, "invoice 7 checked")));
        var polled = Ok(await grain.GetApprovalAsync(Caller.Agent(tenantId, "bot"), pending.ApprovalId));
        var streamed = await probe.WaitForAsync<ApprovalDecidedEvent>(e => e.Approval.ApprovalId == pending.ApprovalId);
        var afterApproval = await Evaluate(tenantId, session, Transfer(100));

        Assert.Empty(session.Grants);
        Assert.Equal(ApprovalKind.Grant, pending.Kind);
        Assert.Equal(["transfer-grants-need-approval"], pending.Policies.ToArray());
        Assert.Equal(ReasonCodes.NoGrant, beforeApproval.Code());
        Assert.Contains(listed, a => a.ApprovalId == pending.ApprovalId);
        Assert.Equal(CallStatus.PermissionDenied, byAgent.Status);
        Assert.Equal(ApprovalStatus.Approved, polled.Status);
        Assert.Equal(approved.GrantId, polled.GrantId);
        Assert.Equal(ApprovalStatus.Approved, streamed.Approval.Status);
        Assert.True(afterApproval.IsAllowed);
        Assert.Equal(approved.GrantId, afterApproval.GrantId);
    }

    [Fact]
    public async Task GrantApproval_OperatorDenies_NoGrantAndNotPendingAnyMore()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("payments.transfer", "Acme::Account::*"));
        var pending = Assert.Single(session.PendingApprovals);
        var grain = fixture.Session(tenantId, session.SessionId);

        var denied = Ok(await grain.DecideApprovalAsync(Caller.Operator(tenantId, "op1"), new ApprovalDecision(pending.ApprovalId, false, "not budgeted")));
        var again = await grain.DecideApprovalAsync(Caller.Operator(tenantId, "op1"), new ApprovalDecision(pending.ApprovalId, true, "changed my mind"));
        var decision = await Evaluate(tenantId, session, Transfer(100));

        Assert.Equal(ApprovalStatus.Denied, denied.Status);
        Assert.Equal(CallStatus.FailedPrecondition, again.Status);
        Assert.Equal(ReasonCodes.NoGrant, decision.Code());
    }

    [Fact]
    public async Task ActionApproval_LargeTransfer_WaitsThenAllowsOnceForExactlyTheApprovedArguments()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("payments.transfer", "Acme::Account::*"));
        var grain = fixture.Session(tenantId, session.SessionId);
        var op = Caller.Operator(tenantId, "op1");
        Ok(await grain.DecideApprovalAsync(op, new ApprovalDecision(session.PendingApprovals[0].ApprovalId, true, "ok")));

        var first = await Evaluate(tenantId, session, Transfer(5000));
        var repeat = await Evaluate(tenantId, session, Transfer(5000));
        var otherAmount = await Evaluate(tenantId, session, Transfer(6000));
        Ok(await grain.DecideApprovalAsync(op, new ApprovalDecision(first.ApprovalId!, true, "5000 to DE00 is fine")));
        var approved = await Evaluate(tenantId, session, Transfer(5000));
        var reused = await Evaluate(tenantId, session, Transfer(5000));

        Assert.Equal(DecisionEffect.ApprovalRequired, first.Effect);
        Assert.Equal(first.ApprovalId, repeat.ApprovalId);
        Assert.NotEqual(first.ApprovalId, otherAmount.ApprovalId);
        Assert.True(approved.IsAllowed);
        Assert.Equal(ReasonCodes.ApprovalGranted, approved.Code());
        Assert.Equal(DecisionEffect.ApprovalRequired, reused.Effect);
        Assert.NotEqual(first.ApprovalId, reused.ApprovalId);
    }

    [Fact]
    public async Task ActionApproval_OperatorDenies_LaterSameRequestDenied()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("payments.transfer", "Acme::Account::*"));
        var grain = fixture.Session(tenantId, session.SessionId);
        var op = Caller.Operator(tenantId, "op1");
        Ok(await grain.DecideApprovalAsync(op, new ApprovalDecision(session.PendingApprovals[0].ApprovalId, true, "ok")));
        var asked = await Evaluate(tenantId, session, Transfer(9000));

        Ok(await grain.DecideApprovalAsync(op, new ApprovalDecision(asked.ApprovalId!, false, "too much")));
        var decision = await Evaluate(tenantId, session, Transfer(9000));

        Assert.Equal(ReasonCodes.ApprovalDenied, decision.Code());
    }

    [Fact]
    public async Task History_Decisions_AreAFoldOfTheSessionEvents()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("vault.read", "Acme::Vault::*"), new ScopeRequest("email.send", "Acme::Mailbox::*"));
        await Evaluate(tenantId, session, Act("vault.read", "Acme::Vault", "prod-db-password"));
        await Evaluate(tenantId, session, Mail());

        var history = Ok(await fixture.Session(tenantId, session.SessionId).GetHistoryAsync(Caller.Operator(tenantId, "op1")));
        var replayed = history.Events.Aggregate(Warden.Grains.Sessions.SessionHistory.Empty, (h, e) => h.Apply(e));

        var events = string.Join(" | ", history.Events.Select(e => e is DecisionEvent d ? $"{d.Sequence}:{d.Action}:{d.Decision.Effect}" : $"{e.Sequence}:{e.GetType().Name}"));
        Assert.Equal(history.LastSequence, history.Events[^1].Sequence);
        Assert.True(history.Facts.Actions.SequenceEqual(["vault.read"]), events);
        Assert.Equal(["secret"], history.Facts.Labels.ToArray());
        Assert.Equal(1, history.Facts.Denials);
        Assert.Equal(history.Facts.Actions.ToArray(), replayed.Actions.ToArray());
        Assert.Equal(history.Facts.Labels.ToArray(), replayed.Labels.ToArray());
        Assert.Equal((history.Facts.Decisions, history.Facts.Allows, history.Facts.Denials), (replayed.Decisions, replayed.Allows, replayed.Denials));
        Assert.Equal(history.Facts.ActionCounts.OrderBy(p => p.Key), replayed.ToFacts().ActionCounts.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task Evaluate_CallerChangesBetweenDecisions_EachEventNamesItsOwnCaller()
    {
        // The session keeps the last caller's text; an equal caller reuses it, a different one (here the same agent
        // without its tenant pinned) must not.
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("db.query", "Acme::Table::*"));
        var grain = fixture.Session(tenantId, session.SessionId);
        var pinned = Caller.Agent(tenantId, "bot");
        var unpinned = Caller.Agent("bot");
        var query = Act("db.query", "Acme::Table", "orders", """{"sql":"select 1"}""");

        foreach (var caller in new[] { pinned, pinned, unpinned, unpinned, pinned })
        {
            Ok(await grain.EvaluateAsync(caller, query));
        }

        var history = Ok(await grain.GetHistoryAsync(Caller.Operator(tenantId, "op1")));
        var actors = history.Events.OfType<DecisionEvent>().Select(e => e.Actor).ToArray();
        Assert.Equal([pinned.ToString(), pinned.ToString(), unpinned.ToString(), unpinned.ToString(), pinned.ToString()], actors);
    }

    [Fact]
    public async Task Evaluate_AllowsThenADenyThenAnAllow_EachDecisionHasItsOwnReasons()
    {
        // Repeated allows share their reasons; a deny in between has only its own, and the next allow is an allow again.
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("db.query", "Acme::Table::*"));
        var query = Act("db.query", "Acme::Table", "orders", """{"sql":"select 1"}""");

        var first = await Evaluate(tenantId, session, query);
        var second = await Evaluate(tenantId, session, query);
        var denied = await Evaluate(tenantId, session, Mail());
        var third = await Evaluate(tenantId, session, query);

        Assert.All(new[] { first, second, third }, d => Assert.Equal((DecisionEffect.Allow, ReasonCodes.Allowed, 1), (d.Effect, d.Code(), d.Reasons.Length)));
        Assert.Equal(first.Reasons[0].Message, third.Reasons[0].Message);
        Assert.Equal(DecisionEffect.Deny, denied.Effect);
        Assert.Equal([ReasonCodes.NoGrant], denied.Reasons.Select(r => r.Code).ToArray());
    }

    [Fact]
    public async Task Evaluate_ForbidThatFailsToEvaluate_DeniesWhereCedarWouldSkipIt()
    {
        var overflow = Samples.PoliciesFrom("baseline")
            + "\n@id(\"overflowing-forbid\")\nforbid (principal, action == Action::\"db.query\", resource) when { context.input has limit && context.input.limit * 9223372036854775807 > 0 };";
        var tenantId = await fixture.NewTenantAsync(overflow, Samples.Schema);
        await fixture.NewAgentAsync(tenantId, "bot", Surface);
        var session = await fixture.OpenAsync(tenantId, "bot", new ScopeRequest("db.query", "Acme::Table::*"));

        var failing = await Evaluate(tenantId, session, Act("db.query", "Acme::Table", "orders", """{"sql":"select 1","limit":2}"""));
        var fine = await Evaluate(tenantId, session, Act("db.query", "Acme::Table", "orders", """{"sql":"select 1"}"""));

        Assert.Equal(ReasonCodes.PolicyError, failing.Code());
        Assert.Contains(failing.Diagnostics, d => d.StartsWith("overflowing-forbid", StringComparison.Ordinal));
        Assert.True(fine.IsAllowed);
    }

    [Fact]
    public async Task EvaluateMany_SecretThenSendInOneBatch_SecondSeesTheFirst()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("vault.read", "Acme::Vault::*"), new ScopeRequest("email.send", "Acme::Mailbox::*"));

        var decisions = Ok(await fixture.Session(tenantId, session.SessionId).EvaluateManyAsync(
            Caller.Agent(tenantId, "bot"), [Mail(), Act("vault.read", "Acme::Vault", "prod-db-password"), Mail()]));

        Assert.Equal([DecisionEffect.Allow, DecisionEffect.Allow, DecisionEffect.Deny], decisions.Select(d => d.Effect));
        Assert.Equal(decisions.Select(d => d.Sequence).Order(), decisions.Select(d => d.Sequence));
    }

    [Fact]
    public async Task EvaluateMany_OneMalformedEntry_InvalidArgumentNamingIt()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null, new ScopeRequest("email.send", "Acme::Mailbox::*"));

        var result = await fixture.Session(tenantId, session.SessionId).EvaluateManyAsync(Caller.Agent(tenantId, "bot"), [Mail(), Act("email.send", "Acme::Mailbox", "")]);

        Assert.Equal("requests[1].resource.id", Assert.Single(result.Error!.Violations).Field);
    }

    [Fact]
    public async Task RequestGrant_ClosedSession_FailedPrecondition()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, null);
        var grain = fixture.Session(tenantId, session.SessionId);
        Ok(await grain.CloseAsync(Caller.Agent(tenantId, "bot")));

        var requested = await grain.RequestGrantAsync(Caller.Agent(tenantId, "bot"), new GrantRequest([new ScopeRequest("doc.read", "Acme::Doc::*")], "late", null));

        Assert.Equal(CallStatus.FailedPrecondition, requested.Status);
    }

    [Fact]
    public async Task RequestGrant_TtlBeyondSession_CappedAtTheSessionExpiry()
    {
        var (tenantId, session) = await SessionAsync(string.Empty, TimeSpan.FromMinutes(2));

        var requested = Ok(await fixture.Session(tenantId, session.SessionId).RequestGrantAsync(
            Caller.Agent(tenantId, "bot"), new GrantRequest([new ScopeRequest("doc.read", "Acme::Doc::\"reports/*\"")], "need it", TimeSpan.FromHours(5))));

        Assert.Equal(session.ExpiresAt, Assert.Single(requested.Issued).ExpiresAt);
    }
}
