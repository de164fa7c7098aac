using System.Collections.Immutable;
using Warden.Events;
using Warden.Grains.Policy;
using Warden.Grains.Sessions;
using Warden.Grains.Tests.Cluster;
using Warden.Sessions;

namespace Warden.Grains.Tests.Policy;

/// <summary>The per-session cache of Cedar inputs gives the same decisions as building every input afresh.</summary>
public sealed class SessionPolicyInputsTests
{
    private static readonly DateTimeOffset Opened = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private static readonly AgentProfile Agent = new("ops", "Agent", "low", ["internal"], ["support"], []);
    private static readonly Intent Task = new("summarise the tickets", string.Empty, string.Empty, string.Empty, string.Empty);
    private static readonly Grant MailGrant = new("g-mail", "email.send", "Acme::Mailbox::*", Opened, Opened.AddHours(1), null, GrantOrigin.SessionOpen, null);
    private static readonly Grant VaultGrant = new("g-vault", "vault.read", "Acme::Vault::*", Opened, Opened.AddHours(1), null, GrantOrigin.SessionOpen, null);

    private static TenantPolicy Compile(long version = 1, params string[] files)
    {
        var compiled = TenantPolicy.Compile("acme", version, Samples.PoliciesFrom(files.Length == 0 ? ["baseline", "sequence"] : files), Samples.Schema, Samples.Entities);
        Assert.True(compiled.Policy is not null, string.Join("; ", compiled.Problems.Select(p => p.Description)));
        return compiled.Policy!;
    }

    private static EvaluationRequest Mail() =>
        new("email.send", new ResourceRef("Acme::Mailbox", "outbox", null, []), """{"to":"someone@example.org","subject":"hello"}""");

    private static EvaluationRequest SecretRead() =>
        new("vault.read", new ResourceRef("Acme::Vault", "api-key", null, ["secret"]), null);

    private static SessionSubject Subject(SessionHistory history, SessionPolicyInputs? inputs) =>
        new("acme", "s1", "agent-1", Agent, Task, Opened, history, inputs);

    private static DecisionEvent Allowed(long sequence, EvaluationRequest request, Grant grant) => new()
    {
        TenantId = "acme",
        SessionId = "s1",
        AgentId = "agent-1",
        Sequence = sequence,
        At = Opened,
        Actor = "agent:acme/agent-1",
        Action = request.Action,
        ResourceType = request.Resource.Type,
        ResourceId = request.Resource.Id,
        Labels = request.Resource.Labels,
        InputDigest = string.Empty,
        Decision = new Decision($"s1.{sequence}", DecisionEffect.Allow, [], [], grant.GrantId, null, 1, Opened, sequence, [], null),
    };

    [Fact]
    public void Evaluate_SecretReadChangesTheHistory_CachedSessionDeniesTheLaterSend()
    {
        var policy = Compile();
        var inputs = new SessionPolicyInputs();
        var now = Opened.AddMinutes(1);
        var history = SessionHistory.Empty;

        var before = policy.Evaluate(new ActionQuery(Subject(history, inputs), Mail(), MailGrant, null, now));
        history = history.Apply(Allowed(1, Mail(), MailGrant));
        var read = policy.Evaluate(new ActionQuery(Subject(history, inputs), SecretRead(), VaultGrant, null, now));
        history = history.Apply(Allowed(2, SecretRead(), VaultGrant));
        var after = policy.Evaluate(new ActionQuery(Subject(history, inputs), Mail(), MailGrant, null, now));

        Assert.Equal(PolicyOutcome.Allow, before.Outcome);
        Assert.Equal(PolicyOutcome.Allow, read.Outcome);
        Assert.Equal(PolicyOutcome.Forbidden, after.Outcome);
        Assert.Equal(["no-external-send-after-secret"], after.DeterminingPolicies.ToArray());
    }

    [Fact]
    public void Evaluate_SameHistoryTwice_ReusesTheEntriesAndDecidesAlike()
    {
        var policy = Compile();
        var inputs = new SessionPolicyInputs();
        var history = SessionHistory.Empty.Apply(Allowed(1, SecretRead(), VaultGrant));
        var now = Opened.AddMinutes(1);

        var first = policy.Evaluate(new ActionQuery(Subject(history, inputs), Mail(), MailGrant, null, now));
        var builds = inputs.Builds;
        var second = policy.Evaluate(new ActionQuery(Subject(history, inputs), Mail(), MailGrant, null, now));
        var fresh = policy.Evaluate(new ActionQuery(Subject(history, null), Mail(), MailGrant, null, now));

        Assert.Equal(builds, inputs.Builds);
        Assert.Equal(PolicyOutcome.Forbidden, first.Outcome);
        Assert.Equal(first.Outcome, second.Outcome);
        Assert.Equal(fresh.Outcome, second.Outcome);
        Assert.Equal(fresh.DeterminingPolicies.ToArray(), second.DeterminingPolicies.ToArray());
    }

    [Fact]
    public void Evaluate_NewPolicyVersionWithAForbid_SameWarmCacheDenies()
    {
        var permissive = Compile(1, "baseline");
        var strict = Compile(2, "baseline", "sequence");
        var inputs = new SessionPolicyInputs();
        var history = SessionHistory.Empty.Apply(Allowed(1, SecretRead(), VaultGrant));
        var now = Opened.AddMinutes(1);

        var underV1 = permissive.Evaluate(new ActionQuery(Subject(history, inputs), Mail(), MailGrant, null, now));
        var underV2 = strict.Evaluate(new ActionQuery(Subject(history, inputs), Mail(), MailGrant, null, now));

        Assert.Equal(PolicyOutcome.Allow, underV1.Outcome);
        Assert.Equal(PolicyOutcome.Forbidden, underV2.Outcome);
        Assert.Equal(["no-external-send-after-secret"], underV2.DeterminingPolicies.ToArray());
    }

    [Fact]
    public void Session_NewHistoryArrays_RebuildsTheSetsItWasBuiltFrom()
    {
        var inputs = new SessionPolicyInputs();
        var empty = SessionHistory.Empty;
        var read = empty.Apply(Allowed(1, SecretRead(), VaultGrant));

        var before = inputs.Session(Subject(empty, inputs), Opened);
        var after = inputs.Session(Subject(read, inputs), Opened);

        Assert.True(before.Attributes.TryGetValue("labels", out var beforeLabels));
        Assert.True(after.Attributes.TryGetValue("labels", out var afterLabels));
        Assert.Equal(0, beforeLabels.AsSet().Count);
        Assert.Equal(["secret"], afterLabels.AsSet().Items.ToArray().Select(v => v.AsString()).ToArray());
        Assert.True(after.Attributes.TryGetValue("decisions", out var decisions));
        Assert.Equal(1, decisions.AsLong());
        Assert.True(after.Tags.TryGetValue("vault.read", out var count));
        Assert.Equal(1, count.AsLong());
    }

    [Fact]
    public void Session_CountsAndActionsChange_TagsFollowEachHistory()
    {
        // The tags reuse their names while the history's actions stay the same array; the counts are new every allow,
        // and another history with as many actions (other names) must not get the names kept from the last one.
        var inputs = new SessionPolicyInputs();
        var one = SessionHistory.Empty.Apply(Allowed(1, Mail(), MailGrant));
        var two = one.Apply(Allowed(2, Mail(), MailGrant));
        var three = two.Apply(Allowed(3, SecretRead(), VaultGrant));
        var four = three.Apply(Allowed(4, Mail(), MailGrant));

        var other = SessionHistory.Empty.Apply(Allowed(1, SecretRead(), VaultGrant));

        var tags = new[] { one, two, three, four, two, other }.Select(h => inputs.Session(Subject(h, inputs), Opened).Tags).ToArray();

        Assert.Equal([("email.send", 1L)], Counts(tags[0]));
        Assert.Equal([("email.send", 2L)], Counts(tags[1]));
        Assert.Equal([("email.send", 2L), ("vault.read", 1L)], Counts(tags[2]));
        Assert.Equal([("email.send", 3L), ("vault.read", 1L)], Counts(tags[3]));
        Assert.Equal([("email.send", 2L)], Counts(tags[4]));
        Assert.Equal([("vault.read", 1L)], Counts(tags[5]));
    }

    [Fact]
    public void Session_ActionsNotInOrdinalOrder_EachCountStaysWithItsAction()
    {
        // SessionHistory keeps its actions sorted; a history that is not (say, read from an older or damaged state)
        // still pairs every action with its own count.
        var inputs = new SessionPolicyInputs();
        var unsorted = SessionHistory.Empty with { LastSequence = 3, Actions = ["vault.read", "email.send"], ActionCounts = [1, 2] };

        var tags = inputs.Session(Subject(unsorted, inputs), Opened).Tags;
        var again = inputs.Session(Subject(unsorted with { ActionCounts = [5, 7] }, inputs), Opened).Tags;

        Assert.Equal([("email.send", 2L), ("vault.read", 1L)], Counts(tags));
        Assert.Equal([("email.send", 7L), ("vault.read", 5L)], Counts(again));
    }

    private static (string Action, long Count)[] Counts(Warden.Policy.Values.CedarRecord tags)
    {
        (string, long)[] counts = [.. new[] { "email.send", "vault.read" }.Where(a => tags.TryGetValue(a, out _)).Select(a => (a, tags.TryGetValue(a, out var v) ? v.AsLong() : -1))];
        Assert.Equal(counts.Length, tags.Count);
        return counts;
    }

    [Fact]
    public void Grant_UsesLeftChanges_RecordFollows()
    {
        var inputs = new SessionPolicyInputs();
        var limited = MailGrant with { MaxUses = 3 };

        var three = inputs.Grant(limited, 3).AsRecord();
        var two = inputs.Grant(limited, 2).AsRecord();

        Assert.True(three.TryGetValue("usesLeft", out var left3));
        Assert.True(two.TryGetValue("usesLeft", out var left2));
        Assert.Equal(3, left3.AsLong());
        Assert.Equal(2, left2.AsLong());
    }

    [Fact]
    public void Evaluate_ActionTheSchemaDoesNotDeclare_IsInvalidAndNamesIt()
    {
        var policy = Compile();
        var request = Mail() with { Action = "email.sendall" };

        var verdict = policy.Evaluate(new ActionQuery(Subject(SessionHistory.Empty, new SessionPolicyInputs()), request, MailGrant, null, Opened));

        Assert.Equal(PolicyOutcome.Invalid, verdict.Outcome);
        Assert.Contains("`Action::\"email.sendall\"` is not declared", Assert.Single(verdict.Reasons).Message, StringComparison.Ordinal);
        Assert.Equal(PolicyOutcome.Allow, policy.Evaluate(new ActionQuery(Subject(SessionHistory.Empty, new SessionPolicyInputs()), Mail(), MailGrant, null, Opened)).Outcome);
    }
}
