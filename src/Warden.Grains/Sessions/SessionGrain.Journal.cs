using System.Collections.Immutable;
using Warden.Events;
using Warden.Grains.Lineage;
using Warden.Sessions;

namespace Warden.Grains.Sessions;

/// <summary>
/// The session's journal: in durable lineage mode the tenant's lineage log is the session's write-ahead log. A decision
/// is answered once its lineage record is durable; the session state is written behind it (after
/// <see cref="WardenLineageOptions.StateWriteBehindDecisions"/> decisions or <see cref="WardenLineageOptions.StateWriteBehindDelay"/>,
/// on every lifecycle change and on deactivation). On activation the session replays the decision records its stored
/// state does not hold yet, so after a crash its history is exactly what its agent was told.
/// </summary>
/// <remarks>
/// Off and async modes keep the synchronous state write of every decision: there the grain state is the only durable
/// record of the history, so it must be durable before the answer.
/// </remarks>
internal sealed partial class SessionGrain
{
    // Decisions applied to the in-memory state whose state write is deferred (their lineage records are durable).
    private int _unwritten;

    // The highest tenant lineage sequence of this session's decision records known durable; the next state write's cursor.
    private long _journalCursor;

    // Why this session cannot decide: its journal could not be replayed. INVARIANT: while set, nothing it decides is
    // kept, recorded or answered other than deny, and nothing but its end is persisted.
    private DecisionReason? _unreplayed;

    // The state as loaded (plus what replayed) while _unreplayed is set: evaluations run on a copy and are dropped.
    private SessionState? _replayBase;

    private IGrainTimer? _writeBehindTimer;

    // A policy version the activation could not adopt while the journal was not replayed.
    private long _pendingAdoption;

    /// <summary>Whether decisions are journaled in lineage with their state written behind (durable lineage mode).</summary>
    private bool Journaled => Lineage is { Mode: LineageMode.Durable };

    /// <summary>
    /// Re-applies the session's decision records that its state does not hold (sequence above
    /// <c>History.LastSequence</c>). On failure (log unavailable, a gap in the session's sequence, an unreadable
    /// record) the session fails closed: <see cref="_unreplayed"/> is set and every evaluation denies until a replay
    /// succeeds. Returns whether the history is complete.
    /// </summary>
    private async Task<bool> ReplayJournalAsync(CancellationToken cancellationToken)
    {
        if (Lineage is not { } lineage || State.Status != SessionStatus.Open)
        {
            return true;
        }

        var loaded = _replayBase ?? State;
        try
        {
            var steps = await lineage.ReadJournalAsync(TenantId, SessionId, loaded.LineageCursor, loaded.History.LastSequence, cancellationToken);
            var replayed = loaded;
            var cursor = Math.Max(_journalCursor, loaded.LineageCursor);
            foreach (var (lineageSequence, step) in steps)
            {
                // SessionState.Apply throws on a gap: a history with a hole is never decided on.
                replayed = replayed.Apply(step);
                cursor = Math.Max(cursor, lineageSequence);
            }

            state.State = replayed;
            _journalCursor = cursor;
            _unreplayed = null;
            _replayBase = null;
            if (steps.Count > 0)
            {
                LineageLog.SessionJournalReplayed(logger, Key, steps.Count);
                DeferStateWrite(steps.Count);
            }

            return true;
        }
        catch (Exception ex)
        {
            LineageLog.SessionJournalReplayFailed(logger, ex, Key);
            state.State = loaded;
            _replayBase = loaded;
            _unreplayed = new DecisionReason(
                ReasonCodes.InternalError,
                "the session's history could not be replayed from lineage (" + ex.GetType().Name + "); every decision is denied until it can");
            return false;
        }
    }

    /// <summary>
    /// The decisions of a session whose journal is not replayed: the state they were decided on is dropped (it may lack
    /// what the agent was told before the crash, and its sequences may collide with records in the log), nothing is
    /// recorded, and every decision is a deny with the reason. Then the replay is tried again for the next call.
    /// </summary>
    private async Task<ImmutableArray<Decision>> DenyUnreplayedAsync(ImmutableArray<Decision> decisions)
    {
        var reason = _unreplayed!;
        state.State = _replayBase!;
        LineageLog.DecisionsDeniedUnreplayed(logger, Key, decisions.Length);
        if (await ReplayJournalAsync(CancellationToken.None) && _pendingAdoption > 0)
        {
            var version = _pendingAdoption;
            _pendingAdoption = 0;
            await AdoptAsync(version);
        }

        return [.. decisions.Select(d => d with { Effect = DecisionEffect.Deny, Reasons = [reason], ApprovalId = null, GrantId = null })];
    }

    /// <summary>Counts decisions whose lineage records are durable but whose state write is deferred, and schedules it.</summary>
    private void DeferStateWrite(int decisions)
    {
        _unwritten += decisions;
        var options = Lineage!.Options;
        if (_unwritten >= options.StateWriteBehindDecisions)
        {
            // In a turn of its own after this answer: the agent does not wait for the state write.
            ArmWriteBehind(TimeSpan.Zero);
        }
        else if (_writeBehindTimer is null)
        {
            ArmWriteBehind(options.StateWriteBehindDelay);
        }
    }

    private void ArmWriteBehind(TimeSpan due)
    {
        if (_writeBehindTimer is { } timer)
        {
            timer.Change(due, Timeout.InfiniteTimeSpan);
            return;
        }

        _writeBehindTimer = this.RegisterGrainTimer(
            WriteBehindAsync,
            new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = false });
    }

    private async Task WriteBehindAsync(CancellationToken cancellationToken)
    {
        if (_unwritten == 0)
        {
            return;
        }

        try
        {
            await WriteStateNowAsync();
        }
        catch (Exception ex)
        {
            // The journal holds every decision: the next activation reloads the stored state and replays the rest.
            LineageLog.SessionStateWriteBehindFailed(logger, ex, Key);
            this.DeactivateOnIdle();
        }
    }

    /// <summary>Writes the whole state (every decision applied so far) with the journal cursor; nothing stays deferred.</summary>
    private async Task WriteStateNowAsync()
    {
        if (_journalCursor > State.LineageCursor)
        {
            state.State = State with { LineageCursor = _journalCursor };
        }

        var written = _unwritten;
        await state.WriteStateAsync();
        _unwritten -= written;
        if (_unwritten == 0 && _writeBehindTimer is { } timer)
        {
            timer.Dispose();
            _writeBehindTimer = null;
        }
    }

    /// <summary>On deactivation the deferred state is written (unless configured not to); a failure only means a longer replay.</summary>
    private async Task WriteBehindOnDeactivationAsync(CancellationToken cancellationToken)
    {
        if (_unwritten == 0 || _unreplayed is not null || Lineage is not { Options.WriteStateOnDeactivation: true })
        {
            return;
        }

        try
        {
            await WriteStateNowAsync().WaitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            LineageLog.SessionStateWriteBehindFailed(logger, ex, Key);
        }
    }
}
