using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Authorization;

/// <summary>The usage example of src/Warden.Policy/README.md, kept compiling and correct.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample_AgentInSession_IsAllowedUntilTheSessionTouchesPii()
    {
        var authorizer = new Authorizer(PolicySet.Parse("""
            @id("read-in-session")
            permit(principal is Warden::Agent, action in Action::"read", resource)
            when { context.session.getTag("db.query") < 100 && context.input.limit <= 500 };

            @id("no-pii-export")
            forbid(principal, action == Action::"http.post", resource)
            when { context.session.labels.contains("pii") };
            """));
        var agent = new EntityUid("Warden::Agent", "agent-7");
        var session = new EntityUid("Warden::Session", "s-42");
        var table = new EntityUid("Warden::Table", "tickets");
        var entities = EntityStore.FromJson("""[{"uid": {"type": "Action", "id": "db.query"}, "attrs": {}, "parents": [{"type": "Action", "id": "read"}]}]""")
            .WithEntities([
                new Entity(agent, CedarRecord.Create([new("riskTier", CedarValue.FromLong(2))]), parents: [new EntityUid("Warden::AgentGroup", "bots")]),
                new Entity(session, CedarRecord.Create([new("labels", CedarValue.Set([CedarValue.FromString("pii")]))]), tags: CedarRecord.Create([new("db.query", CedarValue.FromLong(3))])),
                new Entity(table, CedarRecord.Create([new("labels", CedarValue.Set([]))])),
            ]);
        var context = CedarRecord.Create([
            new("session", CedarValue.FromEntity(session)),
            new("input", CedarJson.ParseValue("""{"query": "select 1", "limit": 50}""")),
        ]);

        var read = authorizer.IsAuthorized(new AuthorizationRequest(agent, new EntityUid("Action", "db.query"), table, context), entities);
        var post = authorizer.IsAuthorized(new AuthorizationRequest(agent, new EntityUid("Action", "http.post"), table, context), entities);

        Assert.Equal(Decision.Allow, read.Decision);
        Assert.Equal("read-in-session", read.DeterminingPolicies[0].AnnotatedId);
        Assert.Equal(Decision.Deny, post.Decision);
        Assert.Equal("no-pii-export", post.DeterminingPolicies[0].AnnotatedId);
    }
}
