using System.Globalization;
using Google.Protobuf;
using Warden.Lineage.Feeds;

namespace Warden.Host.Lineage;

/// <summary>
/// Server-sent events for a web console: <c>GET /v1/tenants/{tenant}/lineage/stream?cursor=N</c> (also
/// <c>session</c>, <c>agent</c>, <c>resource</c>, <c>decision</c>, <c>kind</c>), operator bearer auth. Each record is
/// one event: <c>id:</c> its sequence (so a browser's <c>Last-Event-ID</c> resumes exactly after it), <c>event: lineage</c>,
/// <c>data:</c> the record as proto JSON. History after the cursor first, then live: no gap, no duplicate.
/// </summary>
internal static class LineageSseEndpoint
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    public static async Task HandleAsync(string tenant, HttpContext http, HttpOperatorAuthenticator auth, LineageStore store, ILiveLineageSource live)
    {
        var request = http.Request;
        var op = await auth.AuthenticateAsync(request).ConfigureAwait(false);
        if (op is null)
        {
            await Problem(http, StatusCodes.Status401Unauthorized, "an operator credential is required (Authorization: Bearer)").ConfigureAwait(false);
            return;
        }

        if (!op.MayActOn(tenant))
        {
            // Same answer as for a tenant that does not exist: reveals nothing about other tenants.
            await Problem(http, StatusCodes.Status404NotFound, $"tenant {tenant} not found").ConfigureAwait(false);
            return;
        }

        long? cursor = null;
        var cursorText = request.Query["cursor"].ToString();
        if (cursorText.Length == 0)
        {
            cursorText = request.Headers["Last-Event-ID"].ToString();
        }

        if (cursorText.Length > 0)
        {
            if (!long.TryParse(cursorText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                await Problem(http, StatusCodes.Status400BadRequest, "cursor: must be a non-negative record sequence").ConfigureAwait(false);
                return;
            }

            cursor = parsed;
        }

        var feed = LineageFeedRequests.From(
            tenant, cursor, request.Query["session"], request.Query["agent"], request.Query["resource"], request.Query["decision"], request.Query["kind"], sessionRequired: false, out var check);
        if (!check.IsValid)
        {
            await Problem(http, StatusCodes.Status400BadRequest, string.Join("; ", check.Violations.Select(v => $"{v.Field}: {v.Description}"))).ConfigureAwait(false);
            return;
        }

        if (store.Log is null)
        {
            await Problem(http, StatusCodes.Status409Conflict, "lineage is off on this node (Warden:Lineage:Durability=Off)").ConfigureAwait(false);
            return;
        }

        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        try
        {
            await foreach (var record in LineageFeed.ReadAsync(store.Log, live, feed!, http.RequestAborted).ConfigureAwait(false))
            {
                var data = Json.Format(LineageProtoMapping.ToProto(record));
                await response.WriteAsync($"id: {record.Sequence.ToString(CultureInfo.InvariantCulture)}\nevent: lineage\ndata: {data}\n\n", http.RequestAborted).ConfigureAwait(false);
                await response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client disconnected.
        }
        catch (LineageFeedException ex)
        {
            // Headers are sent: report in-band, then end the stream.
            await response.WriteAsync($"event: error\ndata: {ex.Message.ReplaceLineEndings(" ")}\n\n", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static Task Problem(HttpContext http, int status, string detail) =>
        Results.Problem(detail: detail, statusCode: status).ExecuteAsync(http);
}
