using Orleans.Runtime;
using Orleans.Storage;

namespace Warden.Storage.Tests.Support;

/// <summary>
/// The ETag contract every Warden grain storage keeps, whatever holds the bytes (the embedded SQLite store, the memory
/// mode's in-process store): a version that only grows; a stale, missing or unknown ETag loses with
/// <see cref="InconsistentStateException"/> and leaves the winner in place; a clear leaves a tombstone, so an ETag
/// from before it never matches again. Each storage's test class derives from this and adds what is its own.
/// </summary>
public abstract class GrainStorageContract
{
    protected const string StateName = "note";

    protected static readonly GrainId Grain = GrainId.Create("session", "s-1");

    /// <summary>The storage under test, empty at the start of each test.</summary>
    protected abstract IGrainStorage Storage { get; }

    [Fact]
    public async Task ReadState_NothingStored_RecordDoesNotExist()
    {
        var state = new GrainState<NoteState>(new NoteState("stale", 9, []));

        await Storage.ReadStateAsync(StateName, Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(new NoteState().Text, state.State!.Text);
    }

    [Fact]
    public async Task WriteState_EachWrite_IssuesANewETag()
    {
        var state = new GrainState<NoteState>(new NoteState("v1", 1, []));
        await Storage.WriteStateAsync(StateName, Grain, state);
        var first = state.ETag;

        state.State = new NoteState("v2", 2, []);
        await Storage.WriteStateAsync(StateName, Grain, state);

        Assert.NotEqual(first, state.ETag);
    }

    [Fact]
    public async Task WriteState_StaleETag_ThrowsInconsistentStateExceptionAndKeepsWinner()
    {
        await Storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("v1", 1, [])));
        var first = await ReadAsync();
        var second = await ReadAsync();

        first.State = new NoteState("winner", 2, []);
        await Storage.WriteStateAsync(StateName, Grain, first);
        second.State = new NoteState("loser", 2, []);
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, Grain, second));

        Assert.Equal(first.ETag, error.StoredEtag);
        Assert.NotEqual(second.ETag, first.ETag);
        Assert.Equal("winner", (await ReadAsync()).State!.Text);
    }

    [Fact]
    public async Task WriteState_NoETagButRecordExists_ThrowsInconsistentStateException()
    {
        await Storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("v1", 1, [])));

        var blind = new GrainState<NoteState>(new NoteState("blind", 1, []));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, Grain, blind));
        Assert.Equal("v1", (await ReadAsync()).State!.Text);
    }

    [Fact]
    public async Task ClearState_ETagFromBeforeTheClear_NeverMatchesAgain()
    {
        var holder = new GrainState<NoteState>(new NoteState("v1", 1, []));
        await Storage.WriteStateAsync(StateName, Grain, holder);
        var stale = new GrainState<NoteState>(new NoteState("stale", 1, []), holder.ETag);

        // Clear, then write again from the clear's ETag: a deleting store would restart its versions here.
        await Storage.ClearStateAsync(StateName, Grain, holder);
        var cleared = await ReadAsync();
        await Storage.WriteStateAsync(StateName, Grain, holder);

        Assert.False(cleared.RecordExists);
        Assert.Equal(new NoteState().Text, cleared.State!.Text);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, Grain, stale));
        var blind = new GrainState<NoteState>(new NoteState("blind", 1, []));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, Grain, blind));
    }

    [Fact]
    public async Task ClearState_StaleETag_ThrowsAndKeepsState()
    {
        var state = new GrainState<NoteState>(new NoteState("v1", 1, []));
        await Storage.WriteStateAsync(StateName, Grain, state);
        var stale = new GrainState<NoteState>(state.State, state.ETag);
        await Storage.WriteStateAsync(StateName, Grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, Grain, stale));
        Assert.True((await ReadAsync()).RecordExists);
    }

    [Fact]
    public async Task ClearState_NeverWritten_SucceedsWithoutRecord()
    {
        var state = new GrainState<NoteState>(new NoteState());

        await Storage.ClearStateAsync(StateName, Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.False((await ReadAsync()).RecordExists);
    }

    /// <summary>The stored state as a fresh activation would read it.</summary>
    protected async Task<GrainState<NoteState>> ReadAsync()
    {
        var state = new GrainState<NoteState>(new NoteState());
        await Storage.ReadStateAsync(StateName, Grain, state);
        return state;
    }
}
