using Warden.Host.Validation;
using Warden.Lineage.Feeds;

namespace Warden.Host.Lineage;

/// <summary>Builds a validated <see cref="LineageFeedRequest"/> from Watch and SSE parameters (same field names).</summary>
internal static class LineageFeedRequests
{
    public static LineageFeedRequest? From(string tenantId, long? afterSequence, string? sessionId, string? agentId, string? resource, string? decision, string? kind, bool sessionRequired, out RequestCheck check)
    {
        check = new RequestCheck().NameId(tenantId, "tenant_id");
        if (sessionRequired || !string.IsNullOrEmpty(sessionId))
        {
            check.SessionId(sessionId);
        }

        if (!string.IsNullOrEmpty(agentId))
        {
            check.NameId(agentId, "agent_id");
        }

        check.Optional(resource, "resource", 1024);
        if (afterSequence is < 0)
        {
            check.Add("after_sequence", "must not be negative");
        }

        var decisionFilter = LineageProtoMapping.Decision(decision, "decision", check);
        var kindFilter = LineageProtoMapping.Kind(kind, "kind", check);
        return new LineageFeedRequest
        {
            TenantId = tenantId,
            AfterSequence = afterSequence,
            SessionId = string.IsNullOrEmpty(sessionId) ? null : sessionId,
            AgentId = string.IsNullOrEmpty(agentId) ? null : agentId,
            Resource = string.IsNullOrEmpty(resource) ? null : resource,
            Decision = decisionFilter,
            Kind = kindFilter,
            IdleCatchUpInterval = TimeSpan.FromSeconds(2),
        };
    }
}
