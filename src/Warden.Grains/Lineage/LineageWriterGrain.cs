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
        var pending = new Task<LineageAppendResult>[events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            if (!string.Equals(events[i].TenantId, tenant, StringComparison.Ordinal))
            {
                throw new ArgumentException($"events[{i}] belongs to another tenant.", nameof(events));
            }

            // Queued in call order before the first await, so one call's events stay contiguous and ordered.
            pending[i] = writer.AppendAsync(events[i]).AsTask();
        }

        var sequences = ImmutableArray.CreateBuilder<long>(events.Length);
        foreach (var task in pending)
        {
            var result = await task;
            sequences.Add(result.Record?.Sequence ?? 0);
        }

        return sequences.MoveToImmutable();
    }
}
