using System.Globalization;
using System.Text;

namespace Warden.Bench.Cedar;

/// <summary>One benchmark scenario, given to both engines as the same Cedar text and JSON.</summary>
/// <param name="Name">Short name for tables.</param>
/// <param name="Policies">Cedar policy text.</param>
/// <param name="EntitiesJson">Entities in Cedar JSON.</param>
/// <param name="PrincipalJson">The request principal as a JSON uid.</param>
/// <param name="ActionJson">The request action as a JSON uid.</param>
/// <param name="ResourceJson">The request resource as a JSON uid.</param>
/// <param name="ContextJson">The request context in Cedar JSON.</param>
/// <param name="ExpectedDecision">"allow" or "deny" (both engines are checked against it).</param>
public sealed record CedarScenario(
    string Name,
    string Policies,
    string EntitiesJson,
    string PrincipalJson,
    string ActionJson,
    string ResourceJson,
    string ContextJson,
    string ExpectedDecision)
{
    public int PolicyCount => Policies.Split(';', StringSplitOptions.RemoveEmptyEntries).Count(p => p.Contains("permit", StringComparison.Ordinal) || p.Contains("forbid", StringComparison.Ordinal));

    /// <summary>Ten Warden-style policies and six entities: an agent acting in a session, reading a table.</summary>
    public static CedarScenario Small { get; } = new(
        "10 policies, 6 entities",
        """
        @id("read-own-group-tables")
        permit(principal in Warden::AgentGroup::"support-bots", action in Action::"read", resource in Warden::Database::"crm")
        when { resource.owner == Warden::AgentGroup::"support-bots" && context.session.getTag("db.query") < 100 };

        @id("low-risk-write")
        permit(principal is Warden::Agent, action == Action::"db.write", resource is Warden::Table)
        when { principal.riskTier <= 1 };

        @id("no-pii-export")
        forbid(principal, action == Action::"http.post", resource)
        when { context.session.labels.contains("pii") };

        @id("rate-limit")
        forbid(principal, action in Action::"read", resource)
        when { context.session.hasTag("db.query") && context.session.getTag("db.query") > 1000 };

        @id("stale-session")
        forbid(principal, action, resource) when { context.session.ageSeconds > 3600 };

        @id("office-network")
        permit(principal, action == Action::"ssh", resource) when { context.sourceIp.isInRange(ip("10.0.0.0/8")) };

        @id("intent-match")
        forbid(principal is Warden::Agent, action == Action::"email.send", resource)
        unless { context.session.intent like "*email*" };

        @id("budget")
        forbid(principal, action == Action::"payments.charge", resource)
        when { context.input has amount && context.input.amount > 500 };

        @id("prod-deploy")
        permit(principal, action == Action::"deploy", resource)
        when { principal.labels.containsAny(["prod", "staging"]) && resource has env && resource.env == "prod" };

        @id("denied-too-often")
        forbid(principal, action, resource) when { context.session.denials >= 5 };
        """,
        """
        [
          {"uid": {"type": "Warden::Agent", "id": "agent-7"}, "attrs": {"riskTier": 2, "labels": ["prod"], "owner": "alice@example.com"},
           "parents": [{"type": "Warden::AgentGroup", "id": "support-bots"}]},
          {"uid": {"type": "Warden::AgentGroup", "id": "support-bots"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Warden::Session", "id": "s-42"},
           "attrs": {"intent": "answer ticket 1234", "ageSeconds": 120, "labels": ["pii"], "denials": 0},
           "parents": [], "tags": {"db.query": 3}},
          {"uid": {"type": "Warden::Table", "id": "tickets"},
           "attrs": {"labels": ["pii"], "owner": {"__entity": {"type": "Warden::AgentGroup", "id": "support-bots"}}},
           "parents": [{"type": "Warden::Database", "id": "crm"}]},
          {"uid": {"type": "Warden::Database", "id": "crm"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Action", "id": "db.query"}, "attrs": {}, "parents": [{"type": "Action", "id": "read"}]}
        ]
        """,
        """{"type": "Warden::Agent", "id": "agent-7"}""",
        """{"type": "Action", "id": "db.query"}""",
        """{"type": "Warden::Table", "id": "tickets"}""",
        """
        {"session": {"__entity": {"type": "Warden::Session", "id": "s-42"}},
         "sourceIp": {"__extn": {"fn": "ip", "arg": "10.1.2.3"}},
         "input": {"query": "select * from tickets where id = 1234", "limit": 50}}
        """,
        "allow");

    /// <summary>A thousand policies over 20 teams, 50 tools and 200 folders; five of them can apply to the request.</summary>
    public static CedarScenario Large { get; } = BuildLarge();

    private static CedarScenario BuildLarge()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            var team = i % 20;
            var tool = i % 50;
            if (i % 10 == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"forbid(principal, action == Action::\"tool{tool}\", resource) when {{ context.input has blocked && context.input.blocked }};\n");
            }
            else if (i % 10 == 5)
            {
                text.Append(CultureInfo.InvariantCulture, $"permit(principal is Warden::Agent, action in Action::\"group{tool % 5}\", resource in Warden::Folder::\"f{i % 200}\") when {{ principal.riskTier < {i % 4} }};\n");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"permit(principal in Warden::Team::\"team{team}\", action == Action::\"tool{tool}\", resource in Warden::Folder::\"f{i % 200}\") when {{ principal.riskTier <= {i % 5} && context.input.size < {1000 + i} }};\n");
            }
        }

        return new CedarScenario(
            "1,000 policies",
            text.ToString(),
            """
            [
              {"uid": {"type": "Warden::Agent", "id": "agent-7"}, "attrs": {"riskTier": 2}, "parents": [{"type": "Warden::Team", "id": "team3"}]},
              {"uid": {"type": "Warden::Team", "id": "team3"}, "attrs": {}, "parents": []},
              {"uid": {"type": "Warden::Doc", "id": "d"}, "attrs": {}, "parents": [{"type": "Warden::Folder", "id": "f63"}]},
              {"uid": {"type": "Warden::Folder", "id": "f63"}, "attrs": {}, "parents": []},
              {"uid": {"type": "Action", "id": "tool13"}, "attrs": {}, "parents": [{"type": "Action", "id": "group3"}]}
            ]
            """,
            """{"type": "Warden::Agent", "id": "agent-7"}""",
            """{"type": "Action", "id": "tool13"}""",
            """{"type": "Warden::Doc", "id": "d"}""",
            """{"input": {"size": 120, "path": "/reports/q3.pdf"}}""",
            "allow");
    }
}
