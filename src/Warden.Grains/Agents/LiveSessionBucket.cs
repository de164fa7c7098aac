using System.Collections.Immutable;

namespace Warden.Grains.Agents;

/// <summary>One bucket of an agent's live-session registry (see <see cref="LiveSessionRegistry"/>).</summary>
[GenerateSerializer, Immutable, Alias("warden.state.LiveSessionBucket")]
public sealed record LiveSessionBucket
{
    /// <summary>The bucket's sessions.</summary>
    [Id(0)]
    public ImmutableArray<LiveSession> Sessions { get; init; } = [];
}
