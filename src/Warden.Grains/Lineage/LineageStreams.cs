namespace Warden.Grains.Lineage;

/// <summary>
/// Where committed lineage records are published: stream provider <c>"warden"</c>, namespace <see cref="Namespace"/>,
/// key = tenant id, item = <see cref="LineageRecordBatch"/> (consecutive records), in sequence order per tenant. Best effort:
/// feeds back-fill gaps from the log.
/// </summary>
public static class LineageStreams
{
    /// <summary>The stream namespace of per-tenant committed records.</summary>
    public const string Namespace = "warden.lineage";
}
