using Orleans.Runtime;
using Warden.Storage.Sqlite;
using Warden.Storage.Tests.Support;
using Warden.Testing;

namespace Warden.Storage.Tests.Sqlite;

/// <summary>Group commit: writes queued together share a transaction, and one bad write does not sink the rest.</summary>
public sealed class SqliteWriterBatchTests : IClassFixture<OrleansServices>, IDisposable
{
    private readonly OrleansServices _orleans;
    private readonly TempDirectory _directory = TempDirectory.Create("batch");
    private readonly SqliteStore _store;

    public SqliteWriterBatchTests(OrleansServices orleans)
    {
        _orleans = orleans;
        _store = OrleansServices.NewStore(_directory.Path);
    }

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Batch_OneWriteFailsOnItsOwn_OnlyThatWriteFailsAndTheRestCommit()
    {
        var storage = _orleans.NewGrainStorage(_store);
        await _store.OpenAsync();
        using var release = new ManualResetEventSlim();
        var gate = _store.WriteAsync(new Gate(release));

        // Queued while the writer is held inside the gate's batch, so they form the next batch together.
        var before = Write(storage, "before");
        var bad = _store.WriteAsync(new Broken());
        var after = Write(storage, "after");
        release.Set();
        await gate;

        await before;
        await after;
        var error = await Assert.ThrowsAsync<EmbeddedStorageException>(() => bad);
        Assert.Contains("no_such_table", error.Message, StringComparison.Ordinal);
        Assert.Equal("before", (await Read(storage, "before")).Text);
        Assert.Equal("after", (await Read(storage, "after")).Text);
    }

    [Fact]
    public async Task Batch_WritesQueuedWhileTheWriterIsBusy_CommitInOneTransaction()
    {
        var storage = _orleans.NewGrainStorage(_store);
        await _store.OpenAsync();
        var committedBefore = _store.CommittedBatches;
        using var release = new ManualResetEventSlim();
        var gate = _store.WriteAsync(new Gate(release));
        var writes = Enumerable.Range(0, 50).Select(i => Write(storage, $"g{i}")).ToArray();
        release.Set();
        await gate;
        await Task.WhenAll(writes);

        // The gate's transaction, then (at most) one for all fifty: one flush acknowledged them together.
        Assert.InRange(_store.CommittedBatches - committedBefore, 1, 2);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"g{i}", (await Read(storage, $"g{i}")).Text);
        }
    }

    private static Task Write(Orleans.Storage.IGrainStorage storage, string key) =>
        storage.WriteStateAsync("note", GrainId.Create("session", key), new GrainState<NoteState>(new NoteState(key, 1, [])));

    private static async Task<NoteState> Read(Orleans.Storage.IGrainStorage storage, string key)
    {
        var state = new GrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync("note", GrainId.Create("session", key), state);
        return state.State!;
    }

    private sealed class Gate(ManualResetEventSlim release) : WriteOperation<bool>
    {
        protected override bool Run(SqliteWriter writer) => release.Wait(TimeSpan.FromSeconds(30));
    }

    private sealed class Broken : WriteOperation<int>
    {
        protected override int Run(SqliteWriter writer) => writer.Command("INSERT INTO no_such_table VALUES (1);").ExecuteNonQuery();
    }
}
