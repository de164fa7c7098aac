using System.Collections.Immutable;
using Warden.Events;
using Warden.Grains.Collections;
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
    /// <summary>The history of a session with no events (a new instance each time: see the remark on <see cref="SessionState.History"/>).</summary>
    public static SessionHistory Empty => new();

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

    /// <summary>Actions allowed so far (sorted, distinct).</summary>
    [Id(4)]
    public ImmutableArray<string> Actions { get; init; } = [];

    /// <summary>Data labels of resources touched by allowed actions (sorted, distinct).</summary>
    [Id(5)]
    public ImmutableArray<string> Labels { get; init; } = [];

    /// <summary>Allowed count per action, one entry per action in <see cref="Actions"/>, in the same order.</summary>
    [Id(6)]
    public ImmutableArray<long> ActionCounts { get; init; } = [];

    /// <summary>Allowed uses per grant.</summary>
    [Id(7)]
    public ImmutableArray<GrantUse> GrantUses { get; init; } = [];

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
            DecisionEffect.Allow => Allowed(decision),
            DecisionEffect.Deny => this with { LastSequence = e.Sequence, Decisions = Decisions + 1, Denials = Denials + 1 },
            _ => this with { LastSequence = e.Sequence, Decisions = Decisions + 1 },
        };
    }

    /// <summary>Uses of a grant so far.</summary>
    /// <param name="grantId">The grant id.</param>
    public int UsesOf(string grantId)
    {
        foreach (var use in GrantUses)
        {
            if (string.Equals(use.GrantId, grantId, StringComparison.Ordinal))
            {
                return use.Uses;
            }
        }

        return 0;
    }

    /// <summary>How many times an action was allowed.</summary>
    /// <param name="action">The action.</param>
    public long CountOf(string action)
    {
        var index = Actions.BinarySearch(action, StringComparer.Ordinal);
        return index >= 0 ? ActionCounts[index] : 0;
    }

    /// <summary>The facts as the contract shows them.</summary>
    public SessionFacts ToFacts() => new(
        Actions,
        Labels,
        Actions.Select((action, i) => KeyValuePair.Create(action, ActionCounts[i])).ToImmutableDictionary(StringComparer.Ordinal),
        Decisions,
        Allows,
        Denials);

    private SessionHistory Allowed(DecisionEvent decision)
    {
        var index = Actions.BinarySearch(decision.Action, StringComparer.Ordinal);
        var (actions, counts) = index >= 0
            ? (Actions, ActionCounts.SetItem(index, ActionCounts[index] + 1))
            : (Actions.Insert(~index, decision.Action), ActionCounts.Insert(~index, 1L));
        var uses = GrantUses;
        if (decision.Decision.GrantId is { } grant)
        {
            var at = -1;
            for (var i = 0; i < uses.Length && at < 0; i++)
            {
                at = string.Equals(uses[i].GrantId, grant, StringComparison.Ordinal) ? i : -1;
            }

            uses = at >= 0 ? uses.SetItem(at, uses[at] with { Uses = uses[at].Uses + 1 }) : uses.Add(new GrantUse(grant, 1));
        }

        return this with
        {
            LastSequence = decision.Sequence,
            Decisions = Decisions + 1,
            Allows = Allows + 1,
            Actions = actions,
            ActionCounts = counts,
            Labels = decision.Labels.IsDefaultOrEmpty ? Labels : SortedStrings.Union(Labels, decision.Labels),
            GrantUses = uses,
        };
    }
}

/// <summary>How many allowed actions a grant has covered.</summary>
/// <param name="GrantId">The grant.</param>
/// <param name="Uses">Its uses so far.</param>
[GenerateSerializer, Immutable, Alias("warden.state.GrantUse")]
public sealed record GrantUse([property: Id(0)] string GrantId, [property: Id(1)] int Uses);
