using System.Collections.Immutable;
using Warden.Scopes;
using Warden.Sessions;

namespace Warden.Grains.Sessions;

/// <summary>
/// The parts of a <see cref="SessionState"/> that a decision does not change (the agent profile and intent fixed at
/// opening, the requested scope, the grants and approvals), stored apart by <see cref="SessionStateStorageSerializer"/>
/// so their encoding can be reused from one state write to the next.
/// </summary>
[GenerateSerializer, Immutable, Alias("warden.state.SessionStateStatics")]
internal sealed record SessionStateStatics(
    [property: Id(0)] AgentProfile? Agent,
    [property: Id(1)] Intent? Intent,
    [property: Id(2)] ImmutableArray<ScopeRequest> RequestedScope,
    [property: Id(3)] ImmutableArray<Grant> Grants,
    [property: Id(4)] ImmutableArray<ApprovalInfo> Approvals)
{
    /// <summary>The state's parts.</summary>
    public static SessionStateStatics Of(SessionState state) =>
        new(state.Agent, state.Intent, state.RequestedScope, state.Grants, state.Approvals);

    /// <summary>Whether these are the very objects <paramref name="state"/> holds (immutable, so then equal).</summary>
    public bool AreThoseOf(SessionState state) =>
        ReferenceEquals(Agent, state.Agent)
        && ReferenceEquals(Intent, state.Intent)
        && RequestedScope == state.RequestedScope
        && Grants == state.Grants
        && Approvals == state.Approvals;

    /// <summary><paramref name="rest"/> with these parts put back.</summary>
    public SessionState Into(SessionState rest) =>
        rest with { Agent = Agent, Intent = Intent, RequestedScope = RequestedScope, Grants = Grants, Approvals = Approvals };

    /// <summary><paramref name="state"/> without these parts (what format version 2 encoded on every write with Orleans' codec).</summary>
    public static SessionState Without(SessionState state) =>
        state with { Agent = null, Intent = null, RequestedScope = [], Grants = [], Approvals = [] };
}
