using Warden.Events;
using Warden.Grains.Policy;
using Warden.Grains.Sessions;
using Warden.Sessions;

namespace Warden.Grains.Tests.Policy;

/// <summary>
/// What gate 2 works out once and reuses (the session's inputs, each action's context layout, the authorizer's
/// candidates per action, the flat reading of tool arguments) never answers a decision with stale facts.
/// </summary>
public sealed class GateTwoMemoTests
{
    private const string Schema = """
        entity Table;
        action "read";
        action "db.query" in ["read"] appliesTo {
          principal: [Warden::Agent],
          resource: [Table],
          context: {
            "session": Warden::Session,
            "grant": Warden::GrantInfo,
            "labels": Set<String>,
            "now": datetime,
            "input": { "sql"?: String, "rows"?: Long },
          },
        };
        action "db.export" appliesTo {
          principal: [Warden::Agent],
          resource: [Table],
          context: { "session": Warden::Session, "ticket": String },
        };
        action "db.count" appliesTo {
          principal: [Warden::Agent],
          resource: [Table],
          context: { "session": Warden::Session, "ticket"?: String },
        };
        """;

    // Enough policies (over 16) that the authorizer decides from its candidates per action rather than a straight scan.
    private static readonly string Filler = string.Concat(Enumerable.Range(0, 16).Select(i =>
        $"@id(\"filler-{i}\") forbid (principal, action == Action::\"db.count\", resource) when {{ context.session.denials > {1000 + i} }};\n"));

    private static readonly string Version1 = """
        @id("reads") permit (principal, action in Action::"read", resource);
        @id("counts") permit (principal, action == Action::"db.count", resource);
        @id("query-cap") forbid (principal, action == Action::"db.query", resource)
          when { context.session.hasTag("db.query") && context.session.getTag("db.query") >= 2 };
        @id("no-drop") forbid (principal, action == Action::"db.query", resource)
          when { context.input has sql && context.input.sql like "*drop*" };
        @id("row-cap") forbid (principal, action == Action::"db.query", resource)
          when { context.input has rows && context.input.rows > 1000 };
        """ + Filler;

    private static readonly string Version2 = Version1 + """
        @id("orders-closed") forbid (principal, action in Action::"read", resource == Table::"orders");
        """;

    private static readonly DateTimeOffset Opened = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private static readonly AgentProfile Agent = new("ops", "Agent", "low", [], [], []);
    private static readonly Intent Task = new("report", "reporting", string.Empty, string.Empty, "ops");
    private static readonly Grant QueryGrant = new("g1", "db.query", "Table::*", Opened, Opened.AddHours(1), null, GrantOrigin.SessionOpen, null);

    private static TenantPolicy Compile(long version, string policies)
    {
        var compiled = TenantPolicy.Compile("acme", version, policies, Schema, null);
        Assert.True(compiled.Policy is not null, string.Join("; ", compiled.Problems.Select(p => p.Description)));
        return compiled.Policy!;
    }

    private static EvaluationRequest Query(string? input = """{"sql":"select 1"}""", string action = "db.query") =>
        new(action, new ResourceRef("Table", "orders", null, []), input);

    private static PolicyVerdict Decide(TenantPolicy policy, SessionHistory history, SessionPolicyInputs? inputs, EvaluationRequest request) =>
        policy.Evaluate(new ActionQuery(new SessionSubject("acme", "s1", "agent-1", Agent, Task, Opened, history, inputs), request, QueryGrant, null, Opened.AddMinutes(1)));

    private static DecisionEvent Allowed(long sequence) => new()
    {
        TenantId = "acme",
        SessionId = "s1",
        AgentId = "agent-1",
        Sequence = sequence,
        At = Opened,
        Actor = "agent:acme/agent-1",
        Action = "db.query",
        ResourceType = "Table",
        ResourceId = "orders",
        Labels = [],
        InputDigest = string.Empty,
        Decision = new Decision($"s1.{sequence}", DecisionEffect.Allow, [], [], "g1", null, 1, Opened, sequence, [], null),
    };

    [Fact]
    public void Evaluate_SessionCountChangesBetweenDecisions_TheCapAppliesOnTheDecisionAfterIt()
    {
        var policy = Compile(1, Version1);
        var inputs = new SessionPolicyInputs();
        var history = SessionHistory.Empty;
        var outcomes = new List<PolicyOutcome>();
        for (var sequence = 1; sequence <= 3; sequence++)
        {
            outcomes.Add(Decide(policy, history, inputs, Query()).Outcome);
            history = history.Apply(Allowed(sequence));
        }

        Assert.Equal([PolicyOutcome.Allow, PolicyOutcome.Allow, PolicyOutcome.Forbidden], outcomes);
        Assert.Equal(["query-cap"], Decide(policy, history, inputs, Query()).DeterminingPolicies.ToArray());
        Assert.Equal(PolicyOutcome.Forbidden, Decide(policy, history, null, Query()).Outcome);
    }

    [Fact]
    public void Evaluate_RepublishedSet_TakesEffectOnTheNextDecisionOfTheSameSession()
    {
        var first = Compile(1, Version1);
        var second = Compile(2, Version2);
        var inputs = new SessionPolicyInputs();
        var history = SessionHistory.Empty.Apply(Allowed(1));

        var before = Decide(first, history, inputs, Query());
        var after = Decide(second, history, inputs, Query());
        var countAfter = Decide(second, history, inputs, Query(null, "db.count"));

        Assert.Equal(PolicyOutcome.Allow, before.Outcome);
        Assert.Equal(PolicyOutcome.Forbidden, after.Outcome);
        Assert.Equal(["orders-closed"], after.DeterminingPolicies.ToArray());
        Assert.Equal(PolicyOutcome.Allow, countAfter.Outcome);
        Assert.Equal(PolicyOutcome.Allow, Decide(first, history, inputs, Query()).Outcome);
    }

    [Fact]
    public void Evaluate_SessionMovesBetweenResources_EachDecisionSeesItsOwnResource()
    {
        var policy = Compile(2, Version2);
        var inputs = new SessionPolicyInputs();
        var history = SessionHistory.Empty;
        var customers = new EvaluationRequest("db.query", new ResourceRef("Table", "customers", null, []), null);

        var outcomes = new[] { Query(), customers, customers, Query(), customers }
            .Select(request => Decide(policy, history, inputs, request).Outcome)
            .ToArray();

        Assert.Equal([PolicyOutcome.Forbidden, PolicyOutcome.Allow, PolicyOutcome.Allow, PolicyOutcome.Forbidden, PolicyOutcome.Allow], outcomes);
    }

    [Theory]
    [InlineData("""{"sql":"select 1"}""", "Allow", "")]
    [InlineData("""{"sql":"drop table orders"}""", "Forbidden", "no-drop")]
    [InlineData("""{"rows":5000,"note":{"nested":[1,2]}}""", "Forbidden", "row-cap")]
    [InlineData("""{"rows":10,"sql":"select 2"}""", "Allow", "")]
    [InlineData("""{"rows":"many"}""", "Invalid", "")]
    [InlineData("""{"rows":1.5}""", "Invalid", "")]
    [InlineData("""{"sql":"select 1","sql":"drop table orders"}""", "Forbidden", "no-drop")]
    [InlineData(null, "Allow", "")]
    public void Evaluate_ToolArguments_AreReadAsDeclared(string? input, string expected, string determining)
    {
        var policy = Compile(1, Version1);

        var verdict = Decide(policy, SessionHistory.Empty, new SessionPolicyInputs(), Query(input));

        Assert.Equal(expected, verdict.Outcome.ToString());
        if (determining.Length > 0)
        {
            Assert.Equal([determining], verdict.DeterminingPolicies.ToArray());
        }
    }

    [Fact]
    public void Evaluate_ContextAttributeWardenCannotProvide_IsInvalidWhenRequiredAndLeftOutWhenOptional()
    {
        var policy = Compile(1, Version1 + """
            @id("exports") permit (principal, action == Action::"db.export", resource);
            """);

        var export = Decide(policy, SessionHistory.Empty, new SessionPolicyInputs(), Query(null, "db.export"));
        var count = Decide(policy, SessionHistory.Empty, new SessionPolicyInputs(), Query(null, "db.count"));

        Assert.Equal(PolicyOutcome.Invalid, export.Outcome);
        Assert.Contains("context.ticket is required by the schema, but Warden provides only", export.Reasons.Single().Message, StringComparison.Ordinal);
        Assert.Equal(PolicyOutcome.Allow, count.Outcome);
    }
}
