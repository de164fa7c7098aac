using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Serialization;
using Warden.Grains.Lineage;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Records;

namespace Warden.Bench.Lineage;

/// <summary>
/// What a cluster's lineage stream spends on encoding (<see cref="LineageStreamPublisher"/> → memory stream): one
/// <see cref="LineageRecordBatch"/> of 64 committed decision records in a <c>MemoryMessageBody</c>, serialized as the
/// memory stream provider queues it and read back as a pulling agent does. Each record travels as its stored bytes
/// (<see cref="LineageRecordSurrogate"/>). An embedded node publishes nothing to streams (its feeds read the in-process
/// broadcaster). Divide by 64 for the cost per record.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[MedianColumn]
[Config(typeof(InProcessConfig))]
public class LineageStreamEncodingBenchmarks
{
    private Serializer<MemoryMessageBody> _bodies = null!;
    private List<object> _message = [];
    private byte[] _encoded = [];

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(MemoryMessageBody).Assembly).AddAssembly(typeof(LineageRecordBatch).Assembly))
            .BuildServiceProvider();
        _bodies = services.GetRequiredService<Serializer<MemoryMessageBody>>();

        var recorder = new LineageRecorderBenchmarks();
        recorder.Setup();
        var events = recorder.Events();
        recorder.Cleanup();
        var writer = new LineageWriter(new InMemoryLineageLog());
        IReadOnlyList<LineageRecord> records;
        try
        {
            records = writer.AppendManyAsync(events).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _message = [new LineageRecordBatch([.. records])];
        _encoded = Serialize();
        Console.WriteLine($"// message bytes: {_encoded.Length} for {records.Count} records ({records.Sum(LineageRecordSerializer.GetEncodedLength)} stored)");
    }

    /// <summary>The publisher's side: the message as the memory stream queues it.</summary>
    [Benchmark(Baseline = true)]
    public int Serialize64() => Serialize().Length;

    /// <summary>A subscriber's side: the message back as records.</summary>
    [Benchmark]
    public int Deserialize64()
    {
        return _bodies.Deserialize(_encoded) is { Events: [LineageRecordBatch batch, ..] } ? batch.Records.Length : throw new InvalidOperationException("No lineage batch in the message.");
    }

    private byte[] Serialize() => _bodies.SerializeToArray(new MemoryMessageBody(_message, null));
}
