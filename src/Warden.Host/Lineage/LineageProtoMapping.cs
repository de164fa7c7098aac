using System.Collections.Frozen;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Warden.Host.Validation;
using Warden.Lineage.Records;
using Warden.Lineage.Verification;
using P = Warden.Protocol.V1;

namespace Warden.Host.Lineage;

/// <summary>Lineage records and filters between the library and the wire (gRPC and SSE share the proto form).</summary>
internal static class LineageProtoMapping
{
    private static readonly FrozenDictionary<string, LineageEventKind> Kinds = System.Enum.GetValues<LineageEventKind>()
        .Where(k => k != LineageEventKind.Unspecified)
        .ToFrozenDictionary(Snake, k => k, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, LineageDecision> Decisions = new Dictionary<string, LineageDecision>(StringComparer.Ordinal)
    {
        ["allow"] = LineageDecision.Allow,
        ["deny"] = LineageDecision.Deny,
        ["approval_required"] = LineageDecision.ApprovalRequired,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static P.LineageRecord ToProto(LineageRecord record)
    {
        var e = record.Event;
        var proto = new P.LineageRecord
        {
            TenantId = e.TenantId,
            Sequence = record.Sequence,
            OccurredAt = Timestamp.FromDateTimeOffset(e.OccurredAt),
            Kind = Snake(e.Kind),
            AgentId = e.AgentId ?? string.Empty,
            SessionId = e.SessionId ?? string.Empty,
            IntentTask = e.Intent?.Task ?? string.Empty,
            PromptId = e.Intent?.PromptId ?? string.Empty,
            PromptHash = e.Intent?.PromptHash ?? string.Empty,
            OnBehalfOf = e.Intent?.OnBehalfOf ?? string.Empty,
            Action = e.Action ?? string.Empty,
            Resource = e.Resource ?? string.Empty,
            DecisionId = e.DecisionId ?? string.Empty,
            Decision = e.Decision == LineageDecision.None ? string.Empty : Snake(e.Decision),
            PolicySetVersion = e.PolicySetVersion,
            GrantId = e.GrantId ?? string.Empty,
            RequestId = e.RequestId ?? string.Empty,
            Actor = e.Actor ?? string.Empty,
            ContextDigest = e.ContextDigest?.ToString() ?? string.Empty,
            RedactedContext = e.RedactedContext ?? string.Empty,
            PreviousHash = record.PreviousHash.ToString(),
            Hash = record.Hash.ToString(),
        };
        proto.Reasons.AddRange(e.Reasons);
        proto.PolicyIds.AddRange(e.PolicyIds);
        if (e.Revocation is { } revocation)
        {
            proto.RevokedBy = revocation.RevokedBy;
            proto.RevocationScope = Snake(revocation.Scope);
            proto.RevocationTarget = revocation.TargetId;
            proto.RevocationReason = revocation.Reason;
            proto.RevocationEffectiveAt = Timestamp.FromDateTimeOffset(revocation.EffectiveAt);
        }

        return proto;
    }

    public static P.VerifyAuditResponse ToProto(ChainVerificationResult result, string head) => new()
    {
        Intact = result.IsIntact,
        Fault = Snake(result.Fault),
        FirstBadSequence = result.FirstBadSequence ?? 0,
        ExpectedHash = result.ExpectedHash?.ToString() ?? string.Empty,
        ActualHash = result.ActualHash?.ToString() ?? string.Empty,
        RecordsVerified = result.RecordsVerified,
        LastGoodSequence = result.LastGoodSequence,
        Message = result.Message,
        Head = head,
    };

    /// <summary>Parses an optional decision filter; an unknown one is recorded on <paramref name="check"/>.</summary>
    public static LineageDecision? Decision(string? text, string field, RequestCheck check)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (Decisions.TryGetValue(text, out var decision))
        {
            return decision;
        }

        check.Add(field, "must be allow, deny or approval_required");
        return null;
    }

    /// <summary>Parses an optional kind filter; an unknown one is recorded on <paramref name="check"/>.</summary>
    public static LineageEventKind? Kind(string? text, string field, RequestCheck check)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (Kinds.TryGetValue(text, out var kind))
        {
            return kind;
        }

        check.Add(field, "unknown record kind (e.g. decision, session_opened, grant_issued, revocation)");
        return null;
    }

    /// <summary>An enum value in snake_case (<c>SessionOpened</c> → <c>session_opened</c>).</summary>
    public static string Snake<T>(T value)
        where T : struct, System.Enum
    {
        var name = value.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
