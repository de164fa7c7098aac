namespace Warden.Policy.Authorization;

/// <summary>A policy whose evaluation failed for this request; it was skipped (it neither permits nor forbids).</summary>
/// <param name="PolicyId">The policy's id (<c>policyN</c>).</param>
/// <param name="Message">What went wrong, in Cedar's terms.</param>
public sealed record PolicyEvaluationError(string PolicyId, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{PolicyId}: {Message}";
}
