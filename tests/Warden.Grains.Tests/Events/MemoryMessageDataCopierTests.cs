using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;
using Warden.Grains.Events;
using Warden.Grains.Tests.Cluster;

namespace Warden.Grains.Tests.Events;

/// <summary>
/// A memory stream message crosses grain calls inside a silo without its payload being copied, and every field
/// survives the copy; the silo picks <see cref="MemoryMessageDataCopier"/> over the generated copier.
/// </summary>
[Collection(WardenClusterCollection.Name)]
public sealed class MemoryMessageDataCopierTests(WardenClusterFixture fixture)
{
    [Fact]
    public void Silo_CopierOfMemoryMessages_IsWardens()
    {
        foreach (var silo in fixture.Cluster.Silos)
        {
            var codecs = silo.ServiceProvider.GetRequiredService<ICodecProvider>();
            Assert.IsType<MemoryMessageDataCopier>(codecs.GetDeepCopier<MemoryMessageData>());
            Assert.IsType<MemoryMessageDataCopier>(codecs.GetDeepCopier(typeof(MemoryMessageData)));
        }
    }

    [Fact]
    public void DeepCopy_ListOfMessages_KeepsEveryFieldAndSharesThePayload()
    {
        var copier = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<DeepCopier<List<MemoryMessageData>>>();
        var payload = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        var message = new MemoryMessageData
        {
            StreamId = StreamId.Create("warden", "tenant-a"),
            SequenceNumber = 42,
            EnqueueTimeUtc = new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc),
            DequeueTimeUtc = new DateTime(2026, 3, 1, 9, 0, 1, DateTimeKind.Utc),
            Payload = new ArraySegment<byte>(payload, 2, 5),
        };
        var original = new List<MemoryMessageData> { message, message with { SequenceNumber = 43 } };

        var copy = copier.Copy(original);

        Assert.NotSame(original, copy);
        Assert.Equal(2, copy.Count);
        Assert.Equal(message.StreamId, copy[0].StreamId);
        Assert.Equal(42, copy[0].SequenceNumber);
        Assert.Equal(43, copy[1].SequenceNumber);
        Assert.Equal(message.EnqueueTimeUtc, copy[0].EnqueueTimeUtc);
        Assert.Equal(message.DequeueTimeUtc, copy[0].DequeueTimeUtc);
        Assert.Same(payload, copy[0].Payload.Array);
        Assert.Equal(2, copy[0].Payload.Offset);
        Assert.Equal(5, copy[0].Payload.Count);
    }

    [Fact]
    public void Serializer_MessageToAnotherSilo_StillCarriesThePayload()
    {
        // Only the in-silo copy changed: a message serialised for another silo carries its bytes as before.
        var serializer = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Serializer<MemoryMessageData>>();
        var message = new MemoryMessageData
        {
            StreamId = StreamId.Create("warden", "tenant-b"),
            SequenceNumber = 7,
            Payload = new ArraySegment<byte>([9, 8, 7]),
        };

        var read = serializer.Deserialize(serializer.SerializeToArray(message));

        Assert.Equal(message.StreamId, read.StreamId);
        Assert.Equal(7, read.SequenceNumber);
        Assert.Equal([9, 8, 7], read.Payload.ToArray());
        Assert.NotSame(message.Payload.Array, read.Payload.Array);
    }
}
