namespace Warden.Lineage.Records;

/// <summary>
/// What a session needs to re-apply a decision record to its history after a crash (format version 2): the decision's
/// place in the session's own event sequence and the data labels of the resource it touched. With it, the lineage log
/// is the session's write-ahead journal: a session state written behind the answer is caught up from its records.
/// </summary>
/// <remarks>Covered by the record hash like every other field.</remarks>
public sealed record LineageSessionStep
{
    /// <summary>The session's own event sequence of the decision (1 for the session's first event, then +1 with no gap).</summary>
    public required long SessionSequence { get; init; }

    /// <summary>The data labels of the resource the decision was made on, as the session's history folds them (sorted or not, as given).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
}
