using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Storage;
using Warden.Storage.Options;
using Warden.Storage.Sqlite;
using Warden.Storage.Tests.Support;
using Warden.Testing;

namespace Warden.Storage.Tests.Sqlite;

/// <summary>The embedded SQLite store: the shared ETag contract, plus durability, reopening and failures.</summary>
public sealed class SqliteGrainStorageTests : GrainStorageContract, IClassFixture<OrleansServices>, IDisposable
{
    private readonly OrleansServices _orleans;
    private readonly TempDirectory _directory = TempDirectory.Create("grain-storage");
    private readonly SqliteStore _store;
    private readonly IGrainStorage _storage;

    public SqliteGrainStorageTests(OrleansServices orleans)
    {
        _orleans = orleans;
        _store = OrleansServices.NewStore(_directory.Path);
        _storage = orleans.NewGrainStorage(_store);
    }

    protected override IGrainStorage Storage => _storage;

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task WriteState_ThenRead_RoundTripsStateAndETag()
    {
        var written = new GrainState<NoteState>(new NoteState("open", 1, ["a", "b"]));
        await _storage.WriteStateAsync(StateName, Grain, written);

        var read = new GrainState<NoteState>(new NoteState());
        await _storage.ReadStateAsync(StateName, Grain, read);

        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("open", read.State!.Text);
        Assert.Equal(1, read.State!.Revision);
        Assert.Equal(new[] { "a", "b" }, read.State!.Tags);
    }

    [Theory]
    [InlineData("not-a-version")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("99")]
    public async Task WriteState_ETagNotIssuedByStore_ThrowsInconsistentStateException(string etag)
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("v1", 1, [])));

        var forged = new GrainState<NoteState>(new NoteState("forged", 1, []), etag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Grain, forged));
        Assert.Equal("v1", (await ReadAsync()).State!.Text);
    }

    [Fact]
    public async Task ClearState_ThenRead_RecordGoneAndStateReset()
    {
        var state = new GrainState<NoteState>(new NoteState("v1", 1, ["x"]));
        await _storage.WriteStateAsync(StateName, Grain, state);

        await _storage.ClearStateAsync(StateName, Grain, state);
        var read = await ReadAsync();

        Assert.False(state.RecordExists);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(string.Empty, read.State!.Text);
    }

    [Fact]
    public async Task ClearState_ThenWriteWithClearETag_Succeeds()
    {
        var state = new GrainState<NoteState>(new NoteState("v1", 1, []));
        await _storage.WriteStateAsync(StateName, Grain, state);
        await _storage.ClearStateAsync(StateName, Grain, state);

        state.State = new NoteState("reborn", 1, []);
        await _storage.WriteStateAsync(StateName, Grain, state);

        Assert.True((await ReadAsync()).RecordExists);
        Assert.Equal("reborn", (await ReadAsync()).State!.Text);
    }

    [Fact]
    public async Task WriteState_SameGrainOtherProviderOrStateName_IsIsolated()
    {
        var pubSub = _orleans.NewGrainStorage(_store, WardenStorageNames.PubSub);
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("warden", 1, [])));
        await pubSub.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("pubsub", 1, [])));
        await _storage.WriteStateAsync("other", Grain, new GrainState<NoteState>(new NoteState("other", 1, [])));
        await _storage.WriteStateAsync(StateName, GrainId.Create("session", "s-2"), new GrainState<NoteState>(new NoteState("s-2", 1, [])));
        await _storage.WriteStateAsync(StateName, GrainId.Create("agent", "s-1"), new GrainState<NoteState>(new NoteState("agent", 1, [])));

        var fromPubSub = new GrainState<NoteState>(new NoteState());
        await pubSub.ReadStateAsync(StateName, Grain, fromPubSub);

        Assert.Equal("warden", (await ReadAsync()).State!.Text);
        Assert.Equal("pubsub", fromPubSub.State!.Text);
    }

    [Fact]
    public async Task WriteState_ManyGrainsConcurrently_EveryAcknowledgedWriteReadsBack()
    {
        const int Grains = 200;
        const int WritesPerGrain = 5;

        await Task.WhenAll(Enumerable.Range(0, Grains).Select(async i =>
        {
            var id = GrainId.Create("session", $"c-{i}");
            var state = new GrainState<NoteState>(new NoteState());
            for (var revision = 1; revision <= WritesPerGrain; revision++)
            {
                state.State = new NoteState($"grain {i}", revision, []);
                await _storage.WriteStateAsync(StateName, id, state);
            }
        }));

        for (var i = 0; i < Grains; i++)
        {
            var read = new GrainState<NoteState>(new NoteState());
            await _storage.ReadStateAsync(StateName, GrainId.Create("session", $"c-{i}"), read);
            Assert.Equal($"grain {i}", read.State!.Text);
            Assert.Equal(WritesPerGrain, read.State!.Revision);
        }
    }

    [Theory]
    [InlineData(SqliteDurability.Full)]
    [InlineData(SqliteDurability.Normal)]
    public async Task Reopen_NewStoreOnSameFolder_SeesEveryAcknowledgedWrite(SqliteDurability durability)
    {
        using var directory = TempDirectory.Create("reopen");
        string? etag;
        using (var first = OrleansServices.NewStore(directory.Path, o => o.Durability = durability))
        {
            var storage = _orleans.NewGrainStorage(first);
            var state = new GrainState<NoteState>(new NoteState("before restart", 7, ["kept"]));
            await storage.WriteStateAsync(StateName, Grain, state);
            etag = state.ETag;
        }

        using var second = OrleansServices.NewStore(directory.Path, o => o.Durability = durability);
        var read = new GrainState<NoteState>(new NoteState());
        await _orleans.NewGrainStorage(second).ReadStateAsync(StateName, Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(new NoteState("before restart", 7, ["kept"]).Text, read.State!.Text);
        Assert.Equal(new[] { "kept" }, read.State!.Tags);
    }

    [Theory]
    [InlineData(SqliteDurability.Full, 2)]
    [InlineData(SqliteDurability.Normal, 1)]
    public async Task Open_Durability_SetsSqliteSynchronousInWalMode(SqliteDurability durability, long expectedSynchronous)
    {
        using var directory = TempDirectory.Create("pragma");
        using var store = OrleansServices.NewStore(directory.Path, o => o.Durability = durability);

        var (journalMode, synchronous) = await store.WriteAsync(new PragmaProbe());

        Assert.Equal("wal", journalMode);
        Assert.Equal(expectedSynchronous, synchronous);
    }

    [Fact]
    public async Task Read_StoredPayloadNotDeserializable_FailsClosed()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("v1", 1, [])));
        await _store.WriteAsync(new RawUpdate("UPDATE grain_state SET payload = x'00ff00ff';"));

        var error = await Assert.ThrowsAsync<EmbeddedStorageException>(() => ReadAsync());
        Assert.Contains("cannot be deserialized", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_AfterClose_FailsClearly()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("v1", 1, [])));
        _store.Close();

        var error = await Assert.ThrowsAsync<EmbeddedStorageException>(
            () => _storage.WriteStateAsync(StateName, Grain, new GrainState<NoteState>(new NoteState("late", 1, []))));
        Assert.Contains("closed", error.Message, StringComparison.Ordinal);
    }

    private sealed class PragmaProbe : WriteOperation<(string, long)>
    {
        protected override (string, long) Run(SqliteWriter writer) =>
            ((string)writer.Command("PRAGMA journal_mode;").ExecuteScalar()!, (long)writer.Command("PRAGMA synchronous;").ExecuteScalar()!);
    }

    private sealed class RawUpdate(string sql) : WriteOperation<int>
    {
        protected override int Run(SqliteWriter writer) => writer.Command(sql).ExecuteNonQuery();
    }
}
