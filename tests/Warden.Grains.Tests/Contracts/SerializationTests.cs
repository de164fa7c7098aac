using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Warden.Events;
using Warden.Scopes;
using Warden.Sessions;

namespace Warden.Grains.Tests.Contracts;

public sealed class SerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Assert.IsAssignableFrom<T>(Serializer.Deserialize<T>(Serializer.SerializeToArray(value)));

    [Fact]
    public void Outcome_RoundTrip_KeepsValueAndError()
    {
        Outcome<string> ok = "value";
        Outcome<string> failed = CallError.InvalidArgument("intent.task", "is required");

        var okCopy = RoundTrip(ok);
        var failedCopy = RoundTrip(failed);

        Assert.True(okCopy.IsOk);
        Assert.Equal("value", okCopy.Value);
        Assert.False(failedCopy.IsOk);
        Assert.Equal(CallStatus.InvalidArgument, failedCopy.Status);
        var error = Assert.IsType<CallError>(failedCopy.Error);
        Assert.Equal("intent.task", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void SessionEvent_RoundTripThroughBaseType_KeepsDerivedFields()
    {
        WardenEvent e = new DecisionEvent
        {
            TenantId = "t",
            At = DateTimeOffset.UnixEpoch,
            Actor = "agent:a",
            SessionId = "s",
            AgentId = "a",
            Sequence = 7,
            Action = "db.query",
            ResourceType = "Db::Table",
            ResourceId = "orders",
            Labels = ["pii"],
            InputDigest = "00",
            Decision = new Decision("s.7", DecisionEffect.Deny, [new DecisionReason(ReasonCodes.NoGrant, "none")], [], null, null, 0, DateTimeOffset.UnixEpoch, 7, [], null),
        };

        var copy = Assert.IsType<DecisionEvent>(RoundTrip(e));

        Assert.Equal(7, copy.Sequence);
        Assert.Equal("orders", copy.ResourceId);
        Assert.Equal(ReasonCodes.NoGrant, Assert.Single(copy.Decision.Reasons).Code);
    }

    [Fact]
    public void ImmutableArray_DefaultValue_RoundTripsWithoutThrowing()
    {
        var request = new ScopeEntry("*", "*");
        var withDefault = new Warden.Agents.RegisterAgent("a", "o", "d", [request], "", default, ImmutableArray<string>.Empty, Caller.Operator("op"));

        var copy = RoundTrip(withDefault);

        Assert.Equal("a", copy.AgentId);
        Assert.True(copy.Labels.IsDefaultOrEmpty);
    }

    [Fact]
    public void ResourcePattern_RoundTrip_KeepsKind()
    {
        var pattern = ResourcePattern.Parse("Doc::\"reports/*\"");

        var copy = RoundTrip(pattern);

        Assert.Equal(pattern, copy);
        Assert.Equal(ResourcePatternKind.Prefix, copy.Kind);
    }
}
