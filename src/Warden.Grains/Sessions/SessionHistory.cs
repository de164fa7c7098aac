using System.Collections.Immutable;
using Warden.Events;
using Warden.Sessions;

namespace Warden.Grains.Sessions;

/// <summary>
/// What a session has done, as a fold over its events: <c>history = events.Aggregate(Empty, Apply)</c>. The session
/// grain derives every history fact Cedar sees from it, and uses it to count grant uses. Rebuilding a session after a
/// restart is therefore replaying its durable event log through <see cref="Apply"/> from the last persisted snapshot.
/// </summary>
/// <remarks>
/// Only allowed decisions count as "done": their actions, the labels of the resources they touched, per-action counts
/// and grant uses. Denied decisions count as denials; approval-required decisions as neither.
/// </remarks>
[GenerateSerializer, Immutable, Alias("warden.state.SessionHistory")]
public sealed record SessionHistory
{
    /// <summary>The history of a session with no events.</summary>
    public static SessionHistory Empty { get; } = new();

    /// <summary>Sequence number of the last event applied (0 before the first).</summary>
    [Id(0)]
    public long LastSequence { get; init; }

    /// <summary>Decisions made.</summary>
    [Id(1)]
    public long Decisions { get; init; }

    /// <summary>Allowed decisions.</summary>
    [Id(2)]
    public long Allows { get; init; }

    /// <summary>Denied decisions.</summary>
    [Id(3)]
    public long Denials { get; init; }

    /// <summary>Actions allowed so far.</summary>
    [Id(4)]
    public ImmutableSortedSet<string> Actions { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Data labels of resources touched by allowed actions.</summary>
    [Id(5)]
    public ImmutableSortedSet<string> Labels { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Allowed count per action.</summary>
    [Id(6)]
    public ImmutableSortedDictionary<string, long> ActionCounts { get; init; } =
        ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    /// <summary>Allowed uses per grant id.</summary>
    [Id(7)]
    public ImmutableSortedDictionary<string, int> GrantUses { get; init; } =
        ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal);

    /// <summary>
    /// Folds one event in. Events at or below <see cref="LastSequence"/> are ignored (a replay may overlap the
    /// snapshot); a gap throws, because a history with a hole would under-report what the session did and a missing
    /// secret read must never turn into an allowed external send.
    /// </summary>
    /// <param name="e">The next event of the session.</param>
    /// <exception cref="InvalidOperationException">The event does not directly follow <see cref="LastSequence"/>.</exception>
    public SessionHistory Apply(SessionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Sequence <= LastSequence)
        {
            return this;
        }

        if (e.Sequence != LastSequence + 1)
        {
            throw new InvalidOperationException($"Session event {e.Sequence} does not follow {LastSequence}: the history has a gap.");
        }

        if (e is not DecisionEvent decision)
        {
            return this with { LastSequence = e.Sequence };
        }

        return decision.Decision.Effect switch
        {
            DecisionEffect.Allow => this with
            {
                LastSequence = e.Sequence,
                Decisions = Decisions + 1,
                Allows = Allows + 1,
                Actions = Actions.Add(decision.Action),
                Labels = decision.Labels.IsDefaultOrEmpty ? Labels : Labels.Union(decision.Labels),
                ActionCounts = ActionCounts.SetItem(decision.Action, ActionCounts.GetValueOrDefault(decision.Action) + 1),
                GrantUses = decision.Decision.GrantId is { } grant
                    ? GrantUses.SetItem(grant, GrantUses.GetValueOrDefault(grant) + 1)
                    : GrantUses,
            },
            DecisionEffect.Deny => this with { LastSequence = e.Sequence, Decisions = Decisions + 1, Denials = Denials + 1 },
            _ => this with { LastSequence = e.Sequence, Decisions = Decisions + 1 },
        };
    }

    /// <summary>Uses of a grant so far.</summary>
    /// <param name="grantId">The grant id.</param>
    public int UsesOf(string grantId) => GrantUses.GetValueOrDefault(grantId);

    /// <summary>The facts as the contract shows them.</summary>
    public SessionFacts ToFacts() => new(
        [.. Actions],
        [.. Labels],
        ActionCounts.ToImmutableDictionary(StringComparer.Ordinal),
        Decisions,
        Allows,
        Denials);
}
