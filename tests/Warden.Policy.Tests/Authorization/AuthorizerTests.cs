using System.Globalization;
using System.Text;
using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Authorization;

public sealed class AuthorizerTests
{
    private static readonly EntityUid Alice = new("User", "alice");
    private static readonly EntityUid Bob = new("User", "bob");
    private static readonly EntityUid View = new("Action", "view");
    private static readonly EntityUid Edit = new("Action", "edit");
    private static readonly EntityUid Photo = new("Photo", "p");

    private static readonly EntityStore Entities = CedarJson.ParseEntities("""
        [
          {"uid": {"type": "User", "id": "alice"}, "attrs": {"level": 5}, "parents": [{"type": "Group", "id": "admins"}]},
          {"uid": {"type": "User", "id": "bob"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Group", "id": "admins"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Action", "id": "view"}, "attrs": {}, "parents": [{"type": "Action", "id": "read"}]},
          {"uid": {"type": "Photo", "id": "p"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "bob"}}}, "parents": []}
        ]
        """);

    private static AuthorizationResponse Decide(string policies, EntityUid principal, EntityUid? action = null, CedarRecord? context = null) =>
        Authorizer.FromText(policies).IsAuthorized(new AuthorizationRequest(principal, action ?? View, Photo, context), Entities);

    [Fact]
    public void IsAuthorized_NoPolicies_DeniesByDefault()
    {
        var response = Decide(string.Empty, Alice);

        Assert.Equal(Decision.Deny, response.Decision);
        Assert.Empty(response.DeterminingPolicies);
        Assert.Empty(response.Errors);
    }

    [Fact]
    public void IsAuthorized_SatisfiedPermit_AllowsWithItsId()
    {
        var response = Decide("""
            permit(principal in Group::"admins", action in Action::"read", resource);
            permit(principal == User::"bob", action, resource);
            """, Alice);

        Assert.True(response.IsAllowed);
        Assert.Equal(["policy0"], response.DeterminingPolicyIds);
    }

    [Fact]
    public void IsAuthorized_ForbidOverridesPermit_ReasonsAreTheForbids()
    {
        var response = Decide("""
            permit(principal, action, resource);
            @id("no-admins") forbid(principal in Group::"admins", action, resource);
            forbid(principal, action, resource) when { principal.level > 3 };
            """, Alice);

        Assert.Equal(Decision.Deny, response.Decision);
        Assert.Equal(["policy1", "policy2"], response.DeterminingPolicyIds);
        Assert.Equal("no-admins", response.DeterminingPolicies[0].AnnotatedId);
    }

    [Fact]
    public void IsAuthorized_ErroringPolicies_AreSkippedAndListedNeverThrown()
    {
        var response = Decide("""
            permit(principal, action, resource) when { principal.level > 3 };
            forbid(principal, action, resource) when { principal.missing == 1 };
            permit(principal, action, resource) when { 9223372036854775807 + principal.level > 0 };
            permit(principal, action, resource) when { 7 };
            """, Alice);

        Assert.True(response.IsAllowed);
        Assert.Equal(["policy0"], response.DeterminingPolicyIds);
        Assert.Equal(["policy1", "policy2", "policy3"], response.Errors.Select(e => e.PolicyId));
        Assert.Contains("does not have the attribute", response.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("overflow", response.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("expected bool", response.Errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsAuthorized_ForbidThatErrors_DoesNotDeny()
    {
        var response = Decide("""
            permit(principal, action, resource);
            forbid(principal, action, resource) when { principal.missing };
            """, Alice);

        Assert.True(response.IsAllowed);
        Assert.Equal(["policy1"], response.Errors.Select(e => e.PolicyId));
    }

    [Fact]
    public void IsAuthorized_UnlessAndWhen_CombineAsCedarDoes()
    {
        const string Policies = """
            permit(principal, action, resource) when { resource.owner == principal } unless { context.locked };
            """;
        var locked = CedarJson.ParseContext("""{"locked": true}""");
        var open = CedarJson.ParseContext("""{"locked": false}""");

        Assert.False(Decide(Policies, Bob, context: locked).IsAllowed);
        Assert.True(Decide(Policies, Bob, context: open).IsAllowed);
        Assert.False(Decide(Policies, Alice, context: open).IsAllowed);
        Assert.Empty(Decide(Policies, Alice, context: CedarRecord.Empty).Errors);
        Assert.Single(Decide(Policies, Bob, context: CedarRecord.Empty).Errors);
    }

    [Fact]
    public void IsAuthorized_ScopeMismatch_SkipsConditionsSoNoErrors()
    {
        var response = Decide("""permit(principal, action == Action::"edit", resource) when { principal.missing };""", Alice);

        Assert.False(response.IsAllowed);
        Assert.Empty(response.Errors);
        Assert.Single(Decide("""permit(principal, action == Action::"edit", resource) when { principal.missing };""", Alice, Edit).Errors);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(24)]
    public void IsAuthorized_ManyPolicies_IndexAgreesWithPolicyByPolicyEvaluation(int policyCount)
    {
        // 300 policies walk the scope indexes; 24 decide from the remembered candidates of each action. Two stores
        // whose action hierarchies differ alternate, so candidates remembered for one store's action never serve the other's.
        // Random policies over a small universe with a hierarchy, checked against evaluating each policy on its own.
        var random = new Random(20240601);
        var users = Enumerable.Range(0, 6).Select(i => new EntityUid("User", "u" + i)).ToArray();
        var groups = Enumerable.Range(0, 4).Select(i => new EntityUid("Group", "g" + i)).ToArray();
        var actions = Enumerable.Range(0, 5).Select(i => new EntityUid("Action", "a" + i)).ToArray();
        var resources = Enumerable.Range(0, 5).Select(i => new EntityUid(i % 2 == 0 ? "Doc" : "Img", "r" + i)).ToArray();
        var entities = EntityStore.Create(
            users.Select(u => new Entity(u, parents: [groups[random.Next(groups.Length)]]))
            .Concat([new Entity(groups[0], parents: [groups[1]]), new Entity(groups[1], parents: [groups[2]])])
            .Concat([new Entity(actions[0], parents: [actions[4]]), new Entity(actions[1], parents: [actions[4]])])
            .Concat(resources.Select((r, i) => new Entity(r, CedarRecord.Create([new("n", CedarValue.FromLong(i))]), parents: i == 0 ? [] : [resources[0]]))));
        var regrouped = EntityStore.Create(
            entities.Entities.Where(e => e.Uid.Type != "Action")
            .Concat([new Entity(actions[0], parents: [actions[3]]), new Entity(actions[2], parents: [actions[4]]), new Entity(actions[3], parents: [actions[4]])]));
        EntityStore[] stores = [entities, regrouped];

        var text = new StringBuilder();
        for (var i = 0; i < policyCount; i++)
        {
            text.Append(random.Next(5) == 0 ? "forbid(" : "permit(")
                .Append(PrincipalScope(random, users, groups)).Append(", ")
                .Append(ActionScope(random, actions)).Append(", ")
                .Append(ResourceScope(random, resources))
                .Append(')')
                .Append(random.Next(3) switch
                {
                    0 => string.Empty,
                    1 => " when { resource.n > " + random.Next(5).ToString(CultureInfo.InvariantCulture) + " }",
                    _ => " when { principal.missing }",
                })
                .Append(";\n");
        }

        var set = PolicySet.Parse(text.ToString());
        var indexed = new Authorizer(set);
        var single = set.Policies.Select(p => new Authorizer(new PolicySet([p]))).ToArray();
        for (var n = 0; n < 400; n++)
        {
            var request = new AuthorizationRequest(
                random.Next(10) == 0 ? new EntityUid("User", "stranger") : users[random.Next(users.Length)],
                actions[random.Next(actions.Length)],
                resources[random.Next(resources.Length)]);
            var store = stores[n % stores.Length];
            var responses = single.Select(a => a.IsAuthorized(request, store)).ToArray();
            var satisfied = Enumerable.Range(0, set.Policies.Length)
                .Where(i => responses[i].DeterminingPolicies.Count > 0)
                .ToArray();
            var forbids = satisfied.Where(i => set.Policies[i].Effect == Policy.Syntax.Effect.Forbid).Select(i => "policy" + i).ToArray();
            var permits = satisfied.Where(i => set.Policies[i].Effect == Policy.Syntax.Effect.Permit).Select(i => "policy" + i).ToArray();
            var errors = Enumerable.Range(0, set.Policies.Length).Where(i => responses[i].Errors.Count > 0).Select(i => "policy" + i).ToArray();

            var actual = indexed.IsAuthorized(request, store);

            Assert.Equal(forbids.Length == 0 && permits.Length > 0, actual.IsAllowed);
            Assert.Equal(forbids.Length > 0 ? forbids : permits, actual.DeterminingPolicyIds.ToArray());
            Assert.Equal(errors, actual.Errors.Select(e => e.PolicyId).ToArray());
        }
    }

    [Fact]
    public void IsAuthorized_ConcurrentCallers_GetTheSameAnswers()
    {
        var authorizer = Authorizer.FromText("""
            permit(principal in Group::"admins", action, resource) when { principal.level >= 5 };
            forbid(principal, action, resource) when { resource.owner == principal };
            """);
        var requests = new[] { Alice, Bob }.Select(p => new AuthorizationRequest(p, View, Photo)).ToArray();
        var expected = requests.Select(r => authorizer.IsAuthorized(r, Entities).ToString()).ToArray();

        Parallel.For(0, 2000, i =>
        {
            var k = i % requests.Length;
            Assert.Equal(expected[k], authorizer.IsAuthorized(requests[k], Entities).ToString());
        });
    }

    private static string PrincipalScope(Random random, EntityUid[] users, EntityUid[] groups) => random.Next(6) switch
    {
        0 => "principal",
        1 => $"principal == {users[random.Next(users.Length)]}",
        2 => $"principal in {groups[random.Next(groups.Length)]}",
        3 => "principal is User",
        4 => $"principal is User in {groups[random.Next(groups.Length)]}",
        _ => "principal is Group",
    };

    private static string ActionScope(Random random, EntityUid[] actions) => random.Next(4) switch
    {
        0 => "action",
        1 => $"action == {actions[random.Next(actions.Length)]}",
        2 => $"action in {actions[random.Next(actions.Length)]}",
        _ => $"action in [{actions[random.Next(actions.Length)]}, {actions[random.Next(actions.Length)]}]",
    };

    private static string ResourceScope(Random random, EntityUid[] resources) => random.Next(5) switch
    {
        0 => "resource",
        1 => $"resource == {resources[random.Next(resources.Length)]}",
        2 => $"resource in {resources[0]}",
        3 => "resource is Img",
        _ => $"resource is Doc in {resources[random.Next(resources.Length)]}",
    };
}
