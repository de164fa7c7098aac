using System.Collections.Immutable;
using Warden.Events;
using Warden.Scopes;
using Warden.Sessions;

namespace Warden.Grains.Sessions;

/// <summary>
/// The persisted state of a session grain. Apart from the identity and agent profile set when the session starts,
/// every change goes through <see cref="Apply"/>, so the state is also a fold over the session's events.
/// </summary>
[GenerateSerializer, Immutable, Alias("warden.state.SessionState")]
public sealed record SessionState
{
    /// <summary>None until started.</summary>
    [Id(0)]
    public SessionStatus Status { get; init; }

    /// <summary>The agent that opened it.</summary>
    [Id(1)]
    public string AgentId { get; init; } = string.Empty;

    /// <summary>The agent as it was at opening.</summary>
    [Id(2)]
    public AgentProfile? Agent { get; init; }

    /// <summary>The declared task.</summary>
    [Id(3)]
    public Intent? Intent { get; init; }

    /// <summary>The scope requested at opening.</summary>
    [Id(4)]
    public ImmutableArray<ScopeRequest> RequestedScope { get; init; } = [];

    /// <summary>Opening time.</summary>
    [Id(5)]
    public DateTimeOffset OpenedAt { get; init; }

    /// <summary>Expiry.</summary>
    [Id(6)]
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>End time; null while open.</summary>
    [Id(7)]
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why it ended.</summary>
    [Id(8)]
    public string? EndReason { get; init; }

    /// <summary>Who ended it.</summary>
    [Id(9)]
    public string? EndedBy { get; init; }

    /// <summary>Every grant issued, in order.</summary>
    [Id(10)]
    public ImmutableArray<Grant> Grants { get; init; } = [];

    /// <summary>Every approval requested, in order.</summary>
    [Id(11)]
    public ImmutableArray<ApprovalInfo> Approvals { get; init; } = [];

    /// <summary>The policy version last adopted.</summary>
    [Id(12)]
    public long PolicyVersion { get; init; }

    /// <summary>The fold of the session's decisions.</summary>
    /// <remarks>
    /// INVARIANT: defaults of state properties are fresh instances, never shared ones: JSON storage serializers
    /// (Newtonsoft's default object reuse) fill a property's existing default object in place when reading state,
    /// which would write one session's history into every session sharing that default.
    /// </remarks>
    [Id(13)]
    public SessionHistory History { get; init; } = new();

    /// <summary>For a revoked session, the scope of the revocation (session, agent suspension, tenant freeze).</summary>
    [Id(14)]
    public RevocationScope? RevocationScope { get; init; }

    /// <summary>
    /// A tenant lineage sequence at or below which every decision record of this session is folded into this state
    /// (0: none known). Replay reads the session's journal after it; a lower bound is always safe.
    /// </summary>
    [Id(15)]
    public long LineageCursor { get; init; }

    /// <summary>The sequence number the next event gets.</summary>
    public long NextSequence => History.LastSequence + 1;

    /// <summary>Folds one event into the state.</summary>
    /// <param name="e">The next event of the session.</param>
    public SessionState Apply(SessionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Sequence <= History.LastSequence)
        {
            return this;
        }

        var history = History.Apply(e);
        return e switch
        {
            SessionOpenedEvent opened => this with
            {
                History = history,
                Status = SessionStatus.Open,
                Intent = opened.Intent,
                RequestedScope = opened.RequestedScope,
                OpenedAt = opened.At,
                ExpiresAt = opened.ExpiresAt,
                PolicyVersion = opened.PolicyVersion,
            },
            GrantIssuedEvent issued => this with { History = history, Grants = Grants.Add(issued.Grant) },
            ApprovalRequestedEvent requested => this with { History = history, Approvals = Approvals.Add(requested.Approval) },
            ApprovalDecidedEvent decided => this with { History = history, Approvals = Replace(Approvals, decided.Approval) },
            SessionEndedEvent ended => this with
            {
                History = history,
                Status = ended.Status,
                EndedAt = ended.At,
                EndReason = ended.Reason,
                EndedBy = ended.Actor,
                RevocationScope = ended.RevocationScope,
            },
            PolicyAdoptedEvent adopted => this with { History = history, PolicyVersion = adopted.PolicyVersion },
            _ => this with { History = history },
        };
    }

    private static ImmutableArray<ApprovalInfo> Replace(ImmutableArray<ApprovalInfo> approvals, ApprovalInfo updated)
    {
        for (var i = 0; i < approvals.Length; i++)
        {
            if (approvals[i].ApprovalId == updated.ApprovalId)
            {
                return approvals.SetItem(i, updated);
            }
        }

        return approvals.Add(updated);
    }
}
