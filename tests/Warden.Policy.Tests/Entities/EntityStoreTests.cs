using Warden.Policy.Entities;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Entities;

public sealed class EntityStoreTests
{
    private static readonly EntityUid Agent = new("Warden::Agent", "a1");
    private static readonly EntityUid Team = new("Warden::Team", "t");
    private static readonly EntityUid Org = new("Warden::Org", "o");

    [Fact]
    public void Create_Hierarchy_IsTransitive()
    {
        var store = EntityStore.Create([new Entity(Agent, parents: [Team]), new Entity(Team, parents: [Org]), new Entity(Org)]);

        Assert.True(store.IsInHierarchy(Agent, Org));
        Assert.True(store.IsInHierarchy(Agent, Agent));
        Assert.False(store.IsInHierarchy(Org, Agent));
    }

    [Fact]
    public void Create_ParentMissingFromStore_IsStillAnAncestor()
    {
        var store = EntityStore.Create([new Entity(Agent, parents: [Team])]);

        Assert.True(store.IsInHierarchy(Agent, Team));
        Assert.False(store.IsInHierarchy(Agent, Org));
        Assert.False(store.IsInHierarchy(Team, Org));
    }

    [Fact]
    public void Create_DeepChain_ComputesWithoutRecursion()
    {
        var uids = Enumerable.Range(0, 20_000).Select(i => new EntityUid("N", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var store = EntityStore.Create(uids.Select((u, i) => new Entity(u, parents: i + 1 < uids.Length ? [uids[i + 1]] : null)).Take(2_000));

        Assert.True(store.IsInHierarchy(uids[0], uids[1_999]));
    }

    [Fact]
    public void Create_ManyAncestors_FindsEveryOne()
    {
        var groups = Enumerable.Range(0, 500).Select(i => new EntityUid("G", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var store = EntityStore.Create([new Entity(Agent, parents: groups)]);

        Assert.All(groups, g => Assert.True(store.IsInHierarchy(Agent, g)));
        Assert.False(store.IsInHierarchy(Agent, new EntityUid("G", "500")));
        Assert.False(store.IsInHierarchy(Agent, new EntityUid("H", "0")));
    }

    [Fact]
    public void Create_PathologicalChain_IsRefusedNotExhaustingMemory()
    {
        var uids = Enumerable.Range(0, 4_000).Select(i => new EntityUid("N", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var chain = uids.Select((u, i) => new Entity(u, parents: i + 1 < uids.Length ? [uids[i + 1]] : null)).ToList();

        var error = Assert.Throws<ArgumentException>(() => EntityStore.Create(chain));
        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithEntities_AddsAndReplaces_RecomputingAncestors()
    {
        var store = EntityStore.Create([new Entity(Agent, parents: [Team])]);
        var session = new EntityUid("Warden::Session", "s1");
        var tags = CedarRecord.Create([new("db.query", CedarValue.FromLong(101))]);

        var next = store.WithEntities([new Entity(Team, parents: [Org]), new Entity(session, tags: tags)]);

        Assert.True(next.IsInHierarchy(Agent, Org));
        Assert.False(store.IsInHierarchy(Agent, Org));
        Assert.True(next.TryGetEntity(session, out var stored) && stored.Tags.ContainsKey("db.query"));
        Assert.Throws<ArgumentException>(() => next.WithEntities([new Entity(Org, parents: [Agent])]));
    }

    [Fact]
    public void WithEntities_NewEntitiesOverPublishedOnes_SeeTheirAncestorsAndLeaveTheBaseAlone()
    {
        var store = EntityStore.Create([new Entity(Team, parents: [Org]), new Entity(Org)]);
        var session = new EntityUid("Warden::Session", "s1");

        var next = store.WithEntities([new Entity(Agent, parents: [Team]), new Entity(session, parents: [Agent])]);

        Assert.True(next.IsInHierarchy(Agent, Org));
        Assert.True(next.IsInHierarchy(session, Org));
        Assert.True(next.IsInHierarchy(Team, Org));
        Assert.Equal(4, next.Count);
        Assert.Equal(4, next.Entities.Count());
        Assert.True(next.TryGetEntity(Org, out _));
        Assert.False(store.TryGetEntity(Agent, out _));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void WithEntities_NewEntityClosingACycleThroughPublishedOnes_IsRefused()
    {
        // Team names Agent as its parent without Agent being in the store; adding Agent under Team closes a cycle.
        var store = EntityStore.Create([new Entity(Team, parents: [Agent])]);

        Assert.Throws<ArgumentException>(() => store.WithEntities([new Entity(Agent, parents: [Team])]));
    }

    [Fact]
    public void WithEntities_OnAStoreWithNewEntities_RebuildsAndStillSeesEverything()
    {
        var store = EntityStore.Create([new Entity(Org)]).WithEntities([new Entity(Team, parents: [Org])]);

        var next = store.WithEntities([new Entity(Agent, parents: [Team])]);

        Assert.True(next.IsInHierarchy(Agent, Org));
        Assert.Equal(3, next.Count);
    }

    [Fact]
    public void WithEntities_AFewEntities_DuplicatesMergeConflictsAndCyclesAreRefused()
    {
        var store = EntityStore.Create([new Entity(Org)]);
        var session = new EntityUid("Warden::Session", "s1");
        var attributes = CedarRecord.Create([new("n", CedarValue.FromLong(1))]);

        var next = store.WithEntities([new Entity(session, attributes), new Entity(Agent, parents: [Team]), new Entity(session, attributes), new Entity(Team, parents: [Org])]);

        Assert.Equal(4, next.Count);
        Assert.Equal(4, next.Entities.Count());
        Assert.True(next.IsInHierarchy(Agent, Org));
        Assert.True(next.TryGetEntity(session, out var found) && found.Attributes.ContainsKey("n"));
        Assert.False(next.IsInHierarchy(session, Org));
        Assert.Throws<ArgumentException>(() => store.WithEntities([new Entity(session, attributes), new Entity(session)]));
        Assert.Throws<ArgumentException>(() => store.WithEntities([new Entity(Agent, parents: [Team]), new Entity(Team, parents: [Agent])]));
        Assert.Throws<ArgumentNullException>(() => store.WithEntities([new Entity(session), null!]));
    }

    [Fact]
    public void WithEntities_AddingAnEntityTheStoreHolds_ReplacesIt()
    {
        var store = EntityStore.Create([new Entity(Team, parents: [Org]), new Entity(Agent, parents: [Team])]);

        var next = store.WithEntities([new Entity(Team)]);

        Assert.False(next.IsInHierarchy(Agent, Org));
        Assert.True(next.IsInHierarchy(Agent, Team));
        Assert.True(store.IsInHierarchy(Agent, Org));
        Assert.Equal(2, next.Count);
    }

    [Fact]
    public void EntityUid_InvalidTypeName_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new EntityUid("Warden:: Agent", "a"));
        Assert.Throws<ArgumentException>(() => new EntityUid("in", "a"));
        Assert.Throws<ArgumentException>(() => new EntityUid("__cedar::X", "a"));
        Assert.Equal("Warden::Agent::\"a\\\"b\\n\"", new EntityUid("Warden::Agent", "a\"b\n").ToString());
    }
}
