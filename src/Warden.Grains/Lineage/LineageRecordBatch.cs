using System.Collections.Immutable;
using Warden.Lineage.Records;

namespace Warden.Grains.Lineage;

/// <summary>Consecutive committed records of one tenant, in sequence order: one stream message per commit group.</summary>
/// <param name="Records">The records.</param>
[GenerateSerializer, Immutable, Alias("warden.LineageRecordBatch")]
public sealed record LineageRecordBatch([property: Id(0)] ImmutableArray<LineageRecord> Records);
