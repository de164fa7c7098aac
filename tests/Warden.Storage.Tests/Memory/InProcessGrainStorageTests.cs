using Orleans.Runtime;
using Orleans.Storage;
using Warden.Storage.Memory;
using Warden.Storage.Tests.Support;

namespace Warden.Storage.Tests.Memory;

public sealed class InProcessGrainStorageTests(OrleansServices orleans) : IClassFixture<OrleansServices>
{
    private const string StateName = "note";
    private static readonly GrainId Grain = GrainId.Create("session", "s-1");

    private readonly InProcessGrainStorage _storage = new(orleans.Serializer, orleans.Activators);

    [Fact]
    public async Task ReadState_NothingStored_RecordDoesNotExist()
    {
        var state = new GrainState<NoteState>(new NoteState("stale", 9, []));

        await _storage.ReadStateAsync(StateName, Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(string.Empty, state.State!.Text);
    }

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
    public async Task WriteState_StaleETag_ThrowsInconsistentStateExceptionAndKeepsWinner()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("v1", 1, [])));
        var first = await ReadAsync();
        var second = await ReadAsync();

        first.State = new NoteState("winner", 2, []);
        await _storage.WriteStateAsync(StateName, Grain, first);
        second.State = new NoteState("loser", 2, []);
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Grain, second));

        Assert.Equal(first.ETag, error.StoredEtag);
        Assert.NotEqual(second.ETag, first.ETag);
        Assert.Equal("winner", (await ReadAsync()).State!.Text);
    }

    [Fact]
    public async Task WriteState_NoETagButRecordExists_ThrowsInconsistentStateException()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("v1", 1, [])));

        var blind = new GrainState<NoteState>(new NoteState("blind", 1, []));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Grain, blind));
        Assert.Equal("v1", (await ReadAsync()).State!.Text);
    }

    [Fact]
    public async Task WriteState_ETagButNothingStored_ThrowsInconsistentStateException()
    {
        var forged = new GrainState<NoteState>(new NoteState("forged", 1, []), "1");

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Grain, forged));
        Assert.False((await ReadAsync()).RecordExists);
    }

    [Fact]
    public async Task ClearState_ETagFromBeforeTheClear_NeverMatchesAgain()
    {
        var holder = new GrainState<NoteState>(new NoteState("v1", 1, []));
        await _storage.WriteStateAsync(StateName, Grain, holder);
        var stale = new GrainState<NoteState>(new NoteState("stale", 1, []), holder.ETag);

        await _storage.ClearStateAsync(StateName, Grain, holder);
        var cleared = await ReadAsync();
        await _storage.WriteStateAsync(StateName, Grain, holder);

        Assert.False(cleared.RecordExists);
        Assert.Equal(string.Empty, cleared.State!.Text);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Grain, stale));
        var blind = new GrainState<NoteState>(new NoteState("blind", 1, []));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Grain, blind));
    }

    [Fact]
    public async Task ClearState_NeverWritten_SucceedsWithoutRecord()
    {
        var state = new GrainState<NoteState>(new NoteState());

        await _storage.ClearStateAsync(StateName, Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
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

    private async Task<GrainState<NoteState>> ReadAsync()
    {
        var state = new GrainState<NoteState>(new NoteState());
        await _storage.ReadStateAsync(StateName, Grain, state);
        return state;
    }
}
