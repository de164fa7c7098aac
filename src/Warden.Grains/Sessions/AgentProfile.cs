using System.Collections.Immutable;
using Warden.Scopes;

namespace Warden.Grains.Sessions;

/// <summary>
/// What a session knows of its agent, copied at opening: the Cedar principal's attributes and the declared action
/// surface that bounds later grant requests.
/// </summary>
/// <param name="Owner">The accountable human.</param>
/// <param name="DisplayName">Readable name.</param>
/// <param name="RiskTier">Risk tier.</param>
/// <param name="Labels">Labels.</param>
/// <param name="Groups">Agent groups.</param>
/// <param name="ActionSurface">The declared action surface.</param>
[GenerateSerializer, Immutable, Alias("warden.state.AgentProfile")]
public sealed record AgentProfile(
    [property: Id(0)] string Owner,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string RiskTier,
    [property: Id(3)] ImmutableArray<string> Labels,
    [property: Id(4)] ImmutableArray<string> Groups,
    [property: Id(5)] ImmutableArray<ScopeEntry> ActionSurface);
