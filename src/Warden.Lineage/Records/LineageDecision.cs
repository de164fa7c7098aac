namespace Warden.Lineage.Records;

/// <summary>
/// The outcome recorded on a decision (or on an approval). The numeric values are part of the canonical encoding.
/// </summary>
public enum LineageDecision
{
    /// <summary>The record is not a decision (a lifecycle event).</summary>
    None = 0,

    /// <summary>The action was allowed.</summary>
    Allow = 1,

    /// <summary>The action was denied.</summary>
    Deny = 2,

    /// <summary>The action needs an operator's approval first.</summary>
    ApprovalRequired = 3,
}
