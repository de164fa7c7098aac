using System.Collections.Immutable;
using Warden.Lineage.Records;
using LineageRevocationScope = Warden.Lineage.Records.RevocationScope;

namespace Warden.Grains.Lineage;

/// <summary>
/// Orleans' wire form of a <see cref="LineageEvent"/> (a plain library type without Orleans attributes), so lineage
/// events can travel to the tenant's lineage writer grain. Flat: the intent and revocation are inlined.
/// </summary>
[GenerateSerializer, Immutable, Alias("warden.LineageEventSurrogate")]
public readonly struct LineageEventSurrogate
{
    /// <summary>See <see cref="LineageEvent.TenantId"/>.</summary>
    [Id(0)] public string TenantId { get; init; }

    /// <summary>See <see cref="LineageEvent.Kind"/>.</summary>
    [Id(1)] public LineageEventKind Kind { get; init; }

    /// <summary>See <see cref="LineageEvent.OccurredAt"/>.</summary>
    [Id(2)] public DateTimeOffset OccurredAt { get; init; }

    /// <summary>See <see cref="LineageEvent.AgentId"/>.</summary>
    [Id(3)] public string? AgentId { get; init; }

    /// <summary>See <see cref="LineageEvent.SessionId"/>.</summary>
    [Id(4)] public string? SessionId { get; init; }

    /// <summary>The intent's task; null when there is no intent.</summary>
    [Id(5)] public string? IntentTask { get; init; }

    /// <summary>The intent's prompt id.</summary>
    [Id(6)] public string? PromptId { get; init; }

    /// <summary>The intent's prompt hash.</summary>
    [Id(7)] public string? PromptHash { get; init; }

    /// <summary>The intent's on-behalf-of user.</summary>
    [Id(8)] public string? OnBehalfOf { get; init; }

    /// <summary>See <see cref="LineageEvent.Action"/>.</summary>
    [Id(9)] public string? Action { get; init; }

    /// <summary>See <see cref="LineageEvent.Resource"/>.</summary>
    [Id(10)] public string? Resource { get; init; }

    /// <summary>See <see cref="LineageEvent.DecisionId"/>.</summary>
    [Id(11)] public string? DecisionId { get; init; }

    /// <summary>See <see cref="LineageEvent.Decision"/>.</summary>
    [Id(12)] public LineageDecision Decision { get; init; }

    /// <summary>See <see cref="LineageEvent.Reasons"/>.</summary>
    [Id(13)] public ImmutableArray<string> Reasons { get; init; }

    /// <summary>See <see cref="LineageEvent.PolicyIds"/>.</summary>
    [Id(14)] public ImmutableArray<string> PolicyIds { get; init; }

    /// <summary>See <see cref="LineageEvent.PolicySetVersion"/>.</summary>
    [Id(15)] public long PolicySetVersion { get; init; }

    /// <summary>See <see cref="LineageEvent.GrantId"/>.</summary>
    [Id(16)] public string? GrantId { get; init; }

    /// <summary>See <see cref="LineageEvent.RequestId"/>.</summary>
    [Id(17)] public string? RequestId { get; init; }

    /// <summary>See <see cref="LineageEvent.Actor"/>.</summary>
    [Id(18)] public string? Actor { get; init; }

    /// <summary>See <see cref="LineageEvent.ContextDigest"/> (32 bytes, or null).</summary>
    [Id(19)] public byte[]? ContextDigest { get; init; }

    /// <summary>See <see cref="LineageEvent.RedactedContext"/>.</summary>
    [Id(20)] public string? RedactedContext { get; init; }

    /// <summary>Who revoked; null when there is no revocation.</summary>
    [Id(21)] public string? RevokedBy { get; init; }

    /// <summary>The revocation's scope.</summary>
    [Id(22)] public LineageRevocationScope RevocationScope { get; init; }

    /// <summary>The revocation's target.</summary>
    [Id(23)] public string? RevocationTarget { get; init; }

    /// <summary>The revocation's reason.</summary>
    [Id(24)] public string? RevocationReason { get; init; }

    /// <summary>When the revocation took effect.</summary>
    [Id(25)] public DateTimeOffset RevocationEffectiveAt { get; init; }

    /// <summary>The session step's session sequence; 0 when there is no step (see <see cref="LineageEvent.Step"/>).</summary>
    [Id(26)] public long StepSessionSequence { get; init; }

    /// <summary>The session step's data labels.</summary>
    [Id(27)] public ImmutableArray<string> StepLabels { get; init; }
}

/// <summary>Converts <see cref="LineageEvent"/> to and from its Orleans wire form.</summary>
[RegisterConverter]
public sealed class LineageEventSurrogateConverter : IConverter<LineageEvent, LineageEventSurrogate>
{
    /// <inheritdoc />
    public LineageEvent ConvertFromSurrogate(in LineageEventSurrogate surrogate) => new()
    {
        TenantId = surrogate.TenantId,
        Kind = surrogate.Kind,
        OccurredAt = surrogate.OccurredAt,
        AgentId = surrogate.AgentId,
        SessionId = surrogate.SessionId,
        Intent = surrogate.IntentTask is null
            ? null
            : new LineageIntent { Task = surrogate.IntentTask, PromptId = surrogate.PromptId, PromptHash = surrogate.PromptHash, OnBehalfOf = surrogate.OnBehalfOf },
        Action = surrogate.Action,
        Resource = surrogate.Resource,
        DecisionId = surrogate.DecisionId,
        Decision = surrogate.Decision,
        Reasons = surrogate.Reasons.IsDefault ? [] : surrogate.Reasons,
        PolicyIds = surrogate.PolicyIds.IsDefault ? [] : surrogate.PolicyIds,
        PolicySetVersion = surrogate.PolicySetVersion,
        GrantId = surrogate.GrantId,
        RequestId = surrogate.RequestId,
        Actor = surrogate.Actor,
        ContextDigest = surrogate.ContextDigest is { } digest ? LineageHash.FromBytes(digest) : null,
        RedactedContext = surrogate.RedactedContext,
        Revocation = surrogate.RevokedBy is null
            ? null
            : new LineageRevocation
            {
                RevokedBy = surrogate.RevokedBy,
                Scope = surrogate.RevocationScope,
                TargetId = surrogate.RevocationTarget ?? string.Empty,
                Reason = surrogate.RevocationReason ?? string.Empty,
                EffectiveAt = surrogate.RevocationEffectiveAt,
            },
        Step = surrogate.StepSessionSequence == 0
            ? null
            : new LineageSessionStep { SessionSequence = surrogate.StepSessionSequence, Labels = surrogate.StepLabels.IsDefault ? [] : surrogate.StepLabels },
    };

    /// <inheritdoc />
    public LineageEventSurrogate ConvertToSurrogate(in LineageEvent value) => new()
    {
        TenantId = value.TenantId,
        Kind = value.Kind,
        OccurredAt = value.OccurredAt,
        AgentId = value.AgentId,
        SessionId = value.SessionId,
        IntentTask = value.Intent?.Task,
        PromptId = value.Intent?.PromptId,
        PromptHash = value.Intent?.PromptHash,
        OnBehalfOf = value.Intent?.OnBehalfOf,
        Action = value.Action,
        Resource = value.Resource,
        DecisionId = value.DecisionId,
        Decision = value.Decision,
        Reasons = [.. value.Reasons],
        PolicyIds = [.. value.PolicyIds],
        PolicySetVersion = value.PolicySetVersion,
        GrantId = value.GrantId,
        RequestId = value.RequestId,
        Actor = value.Actor,
        ContextDigest = value.ContextDigest?.ToArray(),
        RedactedContext = value.RedactedContext,
        RevokedBy = value.Revocation?.RevokedBy,
        RevocationScope = value.Revocation?.Scope ?? LineageRevocationScope.Unspecified,
        RevocationTarget = value.Revocation?.TargetId,
        RevocationReason = value.Revocation?.Reason,
        RevocationEffectiveAt = value.Revocation?.EffectiveAt ?? default,
        StepSessionSequence = value.Step?.SessionSequence ?? 0,
        StepLabels = value.Step is { } step ? [.. step.Labels] : [],
    };
}
