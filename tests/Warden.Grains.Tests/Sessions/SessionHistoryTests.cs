using Warden.Events;
using Warden.Grains.Sessions;
using Warden.Sessions;

namespace Warden.Grains.Tests.Sessions;

public sealed class SessionHistoryTests
{
    private static DecisionEvent Decision(long sequence, string action, DecisionEffect effect, string? grant = null, params string[] labels) => new()
    {
        TenantId = "t",
        SessionId = "s",
        AgentId = "a",
        Sequence = sequence,
        At = DateTimeOffset.UnixEpoch,
        Actor = "agent:a",
        Action = action,
        ResourceType = "Doc",
        ResourceId = "x",
        Labels = [.. labels],
        InputDigest = string.Empty,
        Decision = new Decision($"s.{sequence}", effect, [], [], grant, null, 1, DateTimeOffset.UnixEpoch, sequence, [], null),
    };

    private static SessionEndedEvent Ended(long sequence) => new()
    {
        TenantId = "t",
        SessionId = "s",
        AgentId = "a",
        Sequence = sequence,
        At = DateTimeOffset.UnixEpoch,
        Actor = "system:warden",
        Status = SessionStatus.Closed,
        Reason = "closed",
    };

    [Fact]
    public void Apply_Allows_CountActionsLabelsAndGrantUses()
    {
        var history = SessionHistory.Empty
            .Apply(Decision(1, "vault.read", DecisionEffect.Allow, "g1", "secret"))
            .Apply(Decision(2, "vault.read", DecisionEffect.Allow, "g1", "secret", "pii"))
            .Apply(Decision(3, "db.query", DecisionEffect.Allow, "g2"));

        Assert.Equal(["db.query", "vault.read"], history.Actions.ToArray());
        Assert.Equal(["pii", "secret"], history.Labels.ToArray());
        Assert.Equal(2, history.CountOf("vault.read"));
        Assert.Equal(2, history.UsesOf("g1"));
        Assert.Equal(1, history.UsesOf("g2"));
        Assert.Equal(3, history.Allows);
    }

    [Fact]
    public void Apply_DeniesAndApprovals_AreNotDoneActions()
    {
        var history = SessionHistory.Empty
            .Apply(Decision(1, "vault.read", DecisionEffect.Deny, "g1", "secret"))
            .Apply(Decision(2, "pay", DecisionEffect.ApprovalRequired, "g2"));

        Assert.Empty(history.Actions);
        Assert.Empty(history.Labels);
        Assert.Equal(0, history.UsesOf("g1"));
        Assert.Equal(1, history.Denials);
        Assert.Equal(2, history.Decisions);
        Assert.Equal(0, history.Allows);
    }

    [Fact]
    public void Apply_ReplayOverlappingSnapshot_IgnoresKnownEvents()
    {
        var events = new SessionEvent[] { Decision(1, "a", DecisionEffect.Allow, "g1"), Decision(2, "a", DecisionEffect.Allow, "g1"), Ended(3) };
        var snapshot = SessionHistory.Empty.Apply(events[0]).Apply(events[1]);

        var replayed = events.Aggregate(snapshot, (h, e) => h.Apply(e));

        Assert.Equal(2, replayed.UsesOf("g1"));
        Assert.Equal(3, replayed.LastSequence);
    }

    [Fact]
    public void Apply_Gap_Throws()
    {
        var history = SessionHistory.Empty.Apply(Decision(1, "a", DecisionEffect.Allow));

        Assert.Throws<InvalidOperationException>(() => history.Apply(Decision(3, "a", DecisionEffect.Allow)));
    }
}
