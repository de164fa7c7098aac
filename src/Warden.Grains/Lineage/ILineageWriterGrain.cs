using System.Collections.Immutable;
using Warden.Lineage.Records;

namespace Warden.Grains.Lineage;

/// <summary>
/// The single appender of one tenant's lineage chain (key = tenant id). Orleans keeps one activation cluster-wide, so
/// every silo's records for the tenant pass through one writer and the chain stays one total order. Reentrant: calls
/// from many sessions are queued together and committed as one group.
/// </summary>
[Alias("warden.ILineageWriterGrain")]
public interface ILineageWriterGrain : IGrainWithStringKey
{
    /// <summary>
    /// Appends events, in order, to the tenant's chain. Durable mode: returns after they are committed, with their
    /// sequences. Async mode: returns once they are queued, with zeros.
    /// </summary>
    /// <param name="events">Events of this tenant.</param>
    /// <exception cref="Warden.Lineage.Chain.LineageWriteException">Not known to be durable: the caller fails closed.</exception>
    Task<ImmutableArray<long>> AppendAsync(ImmutableArray<LineageEvent> events);
}
