using Grpc.Core;
using Warden.Host.Errors;
using Warden.Host.Lineage;
using Warden.Host.Security;
using Warden.Host.Validation;
using Warden.Lineage.Feeds;
using P = Warden.Protocol.V1;

namespace Warden.Host.Services;

/// <summary>
/// <c>warden.v1.Watch</c>: a tenant's (or one session's) records, history after the client's cursor and then live, with
/// no gap and no duplicate (<see cref="LineageFeed"/> over the node's live source: its own commits when embedded, the tenant's Orleans stream in a cluster). Operators only.
/// </summary>
internal sealed class WatchService(LineageStore store, ILiveLineageSource live) : P.Watch.WatchBase
{
    public override Task WatchTenant(P.WatchRequest request, IServerStreamWriter<P.LineageRecord> responseStream, ServerCallContext context) =>
        RunAsync(request, sessionRequired: false, responseStream, context);

    public override Task WatchSession(P.WatchRequest request, IServerStreamWriter<P.LineageRecord> responseStream, ServerCallContext context) =>
        RunAsync(request, sessionRequired: true, responseStream, context);

    private async Task RunAsync(P.WatchRequest request, bool sessionRequired, IServerStreamWriter<P.LineageRecord> responseStream, ServerCallContext context)
    {
        var feed = LineageFeedRequests.From(
            request.TenantId,
            request.HasAfterSequence ? request.AfterSequence : null,
            request.SessionId,
            request.AgentId,
            request.Resource,
            request.Decision,
            request.Kind,
            sessionRequired,
            out var check);
        check.ThrowIfInvalid();
        context.Operator(request.TenantId);
        if (store.Log is null)
        {
            GrpcErrors.FailedPrecondition("lineage is off on this node (Warden:Lineage:Durability=Off)");
        }

        try
        {
            await foreach (var record in LineageFeed.ReadAsync(store.Log!, live, feed!, context.CancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(LineageProtoMapping.ToProto(record), context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away: the feed simply ends.
        }
        catch (LineageFeedException ex)
        {
            GrpcErrors.FailedPrecondition("the tenant's lineage chain has a hole (run warden audit verify): " + ex.Message);
        }
    }
}
