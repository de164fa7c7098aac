using Orleans.Runtime;
using Orleans.Storage;
using Warden.Storage.Memory;
using Warden.Storage.Tests.Support;

namespace Warden.Storage.Tests.Memory;

/// <summary>The memory mode's in-process store: the shared ETag contract, plus copies on read and concurrent writers.</summary>
public sealed class InProcessGrainStorageTests(OrleansServices orleans) : GrainStorageContract, IClassFixture<OrleansServices>
{
    private readonly InProcessGrainStorage _storage = new(orleans.Serializer, orleans.Activators);

    protected override IGrainStorage Storage => _storage;

    [Fact]
    public async Task WriteState_ThenRead_RoundTripsACopyAndTheETag()
    {
        var written = new GrainState<NoteState>(new NoteState("open", 1, ["a", "b"]));
        await _storage.WriteStateAsync(StateName, Grain, written);

        var read = await ReadAsync();
        var again = await ReadAsync();

        Assert.True(written.RecordExists);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("open", read.State!.Text);
        Assert.Equal(1, read.State!.Revision);
        Assert.Equal(new[] { "a", "b" }, read.State!.Tags);
        Assert.NotSame(written.State, read.State);
        Assert.NotSame(read.State, again.State);
    }

    [Fact]
    public async Task WriteState_ETagButNothingStored_ThrowsInconsistentStateException()
    {
        var forged = new GrainState<NoteState>(new NoteState("forged", 1, []), "1");

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Grain, forged));
        Assert.False((await ReadAsync()).RecordExists);
    }

    [Fact]
    public async Task WriteState_OtherStateNameOrGrain_IsIsolated()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("s-1", 1, [])));
        await _storage.WriteStateAsync("other", Grain, new GrainState<NoteState>(new NoteState("other", 1, [])));
        await _storage.WriteStateAsync(StateName, GrainId.Create("agent", "s-1"), new GrainState<NoteState>(new NoteState("agent", 1, [])));

        Assert.Equal("s-1", (await ReadAsync()).State!.Text);
    }

    [Fact]
    public async Task WriteState_ConcurrentWritersWithOneETag_ExactlyOneWins()
    {
        var start = new GrainState<NoteState>(new NoteState("v1", 1, []));
        await _storage.WriteStateAsync(StateName, Grain, start);
        var writers = Enumerable.Range(0, 16)
            .Select(i => new GrainState<NoteState>(new NoteState($"w{i}", 2, []), start.ETag))
            .ToArray();

        var results = await Task.WhenAll(writers.Select(w => Task.Run(async () =>
        {
            try
            {
                await _storage.WriteStateAsync(StateName, Grain, w);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Single(results, won => won);
        var winner = writers[Array.IndexOf(results, true)];
        Assert.Equal(winner.State!.Text, (await ReadAsync()).State!.Text);
    }
}
