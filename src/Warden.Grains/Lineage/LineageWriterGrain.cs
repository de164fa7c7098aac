using System.Collections.Immutable;
using Orleans.Concurrency;
using Warden.Lineage.Chain;
using Warden.Lineage.Records;

namespace Warden.Grains.Lineage;

/// <summary>The tenant's lineage writer: hands events to the silo's <see cref="LineageWriter"/>.</summary>
[Reentrant]
[GrainType("warden.lineage")]
internal sealed class LineageWriterGrain(LineageWriter writer) : Grain, ILineageWriterGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // INVARIANT: this activation is the tenant's only appender from now on; another silo may have appended before it
        // (an earlier activation), so the writer re-reads the durable head instead of trusting a cached one.
        await writer.ResetTenantAsync(this.GetPrimaryKeyString(), cancellationToken);
    }

    public async Task<ImmutableArray<long>> AppendAsync(ImmutableArray<LineageEvent> events)
    {
        if (events.IsDefaultOrEmpty)
        {
            return [];
        }

        var tenant = this.GetPrimaryKeyString();
        for (var i = 0; i < events.Length; i++)
        {
            if (!string.Equals(events[i].TenantId, tenant, StringComparison.Ordinal))
            {
                throw new ArgumentException($"events[{i}] belongs to another tenant.", nameof(events));
            }
        }

        // One group: queued in call order, chained contiguously, committed in one transaction, completed once (an idle
        // writer starts committing inside the first append, so appending event by event could split a call in two).
        var records = await writer.AppendManyAsync(events);
        if (records.Count == 0)
        {
            // Asynchronous mode: queued, no sequences yet.
            return [.. new long[events.Length]];
        }

        var sequences = ImmutableArray.CreateBuilder<long>(records.Count);
        foreach (var record in records)
        {
            sequences.Add(record.Sequence);
        }

        return sequences.MoveToImmutable();
    }
}
