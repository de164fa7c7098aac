using System.Collections.Immutable;
using Warden.Events;
using Warden.Lineage.Records;
using Warden.Sessions;

namespace Warden.Grains.Lineage;

/// <summary>
/// Turns a session's decision records back into the <see cref="DecisionEvent"/>s its history folds: the inverse of
/// <see cref="LineageMapping.MapDecision"/> for everything <c>SessionHistory.Apply</c> reads (session sequence, action,
/// outcome, grant used, data labels). Pure.
/// </summary>
internal static class LineageReplay
{
    /// <summary>
    /// The decision event a record stands for, or null for a record that carries no session step (a record written
    /// before format version 2, when the session state was always written before its lineage record, so it is never
    /// needed to catch up).
    /// </summary>
    /// <exception cref="InvalidOperationException">A decision record with a step that cannot be replayed.</exception>
    public static DecisionEvent? ToDecisionEvent(LineageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var e = record.Event;
        if (e.Kind != LineageEventKind.Decision || e.Step is not { } step)
        {
            return null;
        }

        if (e.SessionId is null || e.AgentId is null || e.Action is null || e.Resource is null || e.DecisionId is null)
        {
            throw new InvalidOperationException($"Lineage record {record.Sequence} is a decision without its session, agent, action, resource or decision id.");
        }

        var effect = e.Decision switch
        {
            LineageDecision.Allow => DecisionEffect.Allow,
            LineageDecision.ApprovalRequired => DecisionEffect.ApprovalRequired,
            LineageDecision.Deny => DecisionEffect.Deny,
            _ => throw new InvalidOperationException($"Lineage record {record.Sequence} has no decision outcome."),
        };
        var (type, id) = SplitResource(e.Resource);
        var decision = new Decision(
            e.DecisionId,
            effect,
            [.. e.Reasons.Select(Reason)],
            [.. e.PolicyIds],
            e.GrantId,
            e.RequestId,
            e.PolicySetVersion,
            e.OccurredAt,
            step.SessionSequence,
            [],
            null);
        return new DecisionEvent
        {
            TenantId = e.TenantId,
            SessionId = e.SessionId,
            AgentId = e.AgentId,
            Sequence = step.SessionSequence,
            At = e.OccurredAt,
            Actor = e.Actor ?? string.Empty,
            Action = e.Action,
            ResourceType = type,
            ResourceId = id,
            Labels = [.. step.Labels],

            // The record keeps a keyed digest of the context, not the plain SHA-256 the live event carries.
            InputDigest = string.Empty,
            Decision = decision,
        };
    }

    /// <summary>Splits <c>Type::"id"</c> as <see cref="LineageMapping.MapDecision"/> writes it.</summary>
    private static (string Type, string Id) SplitResource(string resource)
    {
        var at = resource.IndexOf("::\"", StringComparison.Ordinal);
        return at > 0 && resource.EndsWith('"') && resource.Length >= at + 4
            ? (resource[..at], resource[(at + 3)..^1])
            : (resource, string.Empty);
    }

    /// <summary>Reads a <c>code: message</c> reason back.</summary>
    private static DecisionReason Reason(string text)
    {
        var at = text.IndexOf(": ", StringComparison.Ordinal);
        return at > 0 ? new DecisionReason(text[..at], text[(at + 2)..]) : new DecisionReason(string.Empty, text);
    }
}
