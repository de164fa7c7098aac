using Grpc.Core;
using Warden.Host.Errors;
using Warden.Host.Lineage;
using Warden.Host.Security;
using Warden.Host.Validation;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Lineage.Verification;
using P = Warden.Protocol.V1;

namespace Warden.Host.Services;

/// <summary><c>warden.v1.Lineage</c>: queries, session trees and chain verification over the lineage log. Operators only.</summary>
internal sealed class LineageService(LineageStore store) : P.Lineage.LineageBase
{
    public override async Task<P.QueryLineageResponse> QueryLineage(P.QueryLineageRequest request, ServerCallContext context)
    {
        var check = new RequestCheck().NameId(request.TenantId, "tenant_id");
        if (request.SessionId.Length > 0)
        {
            check.SessionId(request.SessionId);
        }

        if (request.AgentId.Length > 0)
        {
            check.NameId(request.AgentId, "agent_id");
        }

        check.Optional(request.Resource, "resource", 1024);
        var decision = LineageProtoMapping.Decision(request.Decision, "decision", check);
        var kind = LineageProtoMapping.Kind(request.Kind, "kind", check);
        if (request.Limit is < 0 or > LineageQuery.MaxLimit)
        {
            check.Add("limit", $"must be between 0 and {LineageQuery.MaxLimit}");
        }

        if (request.AfterSequence < 0)
        {
            check.Add("after_sequence", "must not be negative");
        }

        if (request.From is not null && request.To is not null && request.From.ToDateTimeOffset() > request.To.ToDateTimeOffset())
        {
            check.Add("to", "must not be before from");
        }

        check.ThrowIfInvalid();
        context.Operator(request.TenantId);
        var log = Log();
        var query = new LineageQuery
        {
            TenantId = request.TenantId,
            SessionId = Empty(request.SessionId),
            AgentId = Empty(request.AgentId),
            Resource = Empty(request.Resource),
            Decision = decision,
            Kind = kind,
            From = request.From?.ToDateTimeOffset(),
            To = request.To?.ToDateTimeOffset(),
            AfterSequence = request.AfterSequence,
            Limit = request.Limit == 0 ? 1000 : request.Limit,
        };
        var response = new P.QueryLineageResponse();
        await foreach (var record in log.QueryAsync(query, context.CancellationToken).ConfigureAwait(false))
        {
            response.Records.Add(LineageProtoMapping.ToProto(record));
            response.NextCursor = record.Sequence;
        }

        return response;
    }

    public override async Task<P.SessionLineage> GetSessionLineage(P.GetSessionLineageRequest request, ServerCallContext context)
    {
        new RequestCheck().NameId(request.TenantId, "tenant_id").SessionId(request.SessionId).ThrowIfInvalid();
        context.Operator(request.TenantId);
        var records = new List<LineageRecord>();
        await foreach (var record in Log().QueryAsync(new LineageQuery { TenantId = request.TenantId, SessionId = request.SessionId, Limit = LineageQuery.MaxLimit }, context.CancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        if (records.Count == 0)
        {
            GrpcErrors.NotFound("session_id", "session lineage", request.SessionId);
        }

        var tree = SessionTree.Build(records);
        var response = new P.SessionLineage { Text = tree.RenderText(), Json = tree.RenderJson() };
        response.Records.AddRange(records.Select(LineageProtoMapping.ToProto));
        return response;
    }

    public override async Task<P.VerifyAuditResponse> VerifyAudit(P.VerifyAuditRequest request, ServerCallContext context)
    {
        var check = new RequestCheck().NameId(request.TenantId, "tenant_id");
        ChainHead? anchor = null;
        if (request.Anchor.Length > 0)
        {
            if (TryParseHead(request.Anchor, out var parsed))
            {
                anchor = parsed;
            }
            else
            {
                check.Add("anchor", "must be \"sequence:hash\" (a head printed by an earlier verification)");
            }
        }

        check.ThrowIfInvalid();
        context.Operator(request.TenantId);
        var log = Log();
        var result = await LineageVerifier.VerifyAsync(log, request.TenantId, anchor, context.CancellationToken).ConfigureAwait(false);
        var head = result.IsIntact && await log.ReadHeadAsync(request.TenantId, context.CancellationToken).ConfigureAwait(false) is { } h ? h.ToString() : string.Empty;
        return LineageProtoMapping.ToProto(result, head);
    }

    private ILineageLog Log()
    {
        if (store.Log is null)
        {
            GrpcErrors.FailedPrecondition("lineage is off on this node (Warden:Lineage:Durability=Off)");
        }

        return store.Log!;
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;

    private static bool TryParseHead(string text, out ChainHead head)
    {
        head = default;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !long.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence)
            || !LineageHash.TryParse(text[(colon + 1)..], out var hash))
        {
            return false;
        }

        head = new ChainHead(sequence, hash);
        return true;
    }
}
