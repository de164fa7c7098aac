using System.Globalization;
using Warden.Lineage.Records;

namespace Warden.Lineage.Verification;

/// <summary>The outcome of verifying one tenant's chain: what <c>warden audit verify</c> reports.</summary>
public sealed record ChainVerificationResult
{
    /// <summary>The tenant verified.</summary>
    public required string TenantId { get; init; }

    /// <summary>True when no fault was found.</summary>
    public bool IsIntact => Fault == ChainFault.None;

    /// <summary>The verdict: <see cref="ChainStatus.Intact"/> or <see cref="ChainStatus.Broken"/>.</summary>
    public ChainStatus Status => IsIntact ? ChainStatus.Intact : ChainStatus.Broken;

    /// <summary>The first fault found, or <see cref="ChainFault.None"/>.</summary>
    public required ChainFault Fault { get; init; }

    /// <summary>The sequence at which the chain stops being trustworthy (null when intact).</summary>
    public long? FirstBadSequence { get; init; }

    /// <summary>The hash the verifier expected at the fault (recomputed, linked or committed), when one applies.</summary>
    public LineageHash? ExpectedHash { get; init; }

    /// <summary>The hash actually found at the fault, when one applies.</summary>
    public LineageHash? ActualHash { get; init; }

    /// <summary>How many records were read and found good before the fault (all of them when intact).</summary>
    public required long RecordsVerified { get; init; }

    /// <summary>The last sequence verified good (0 when none).</summary>
    public required long LastGoodSequence { get; init; }

    /// <summary>A sentence for the operator.</summary>
    public required string Message { get; init; }

    /// <inheritdoc />
    public override string ToString()
    {
        if (IsIntact)
        {
            return Message;
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{Fault} at sequence {FirstBadSequence}: {Message}");
        if (ExpectedHash is { } expected)
        {
            text += $" expected {expected}";
        }

        if (ActualHash is { } actual)
        {
            text += $" actual {actual}";
        }

        return text;
    }
}
