using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Warden.Storage.Options;
using Warden.Storage.Sqlite;
using Warden.Storage.Tests.Support;
using Warden.Testing;

namespace Warden.Storage.Tests.Sqlite;

/// <summary>A database that is locked, damaged or not Warden's gives a clear error and is never overwritten.</summary>
public sealed class SqliteStoreFailureTests : IClassFixture<OrleansServices>, IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("session", "s-1");

    private readonly OrleansServices _orleans;
    private readonly TempDirectory _directory = TempDirectory.Create("failure");

    public SqliteStoreFailureTests(OrleansServices orleans) => _orleans = orleans;

    private string DatabasePath => _directory.Combine(EmbeddedStorageOptions.DatabaseFileName);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task Open_SecondStoreOnSameDirectory_RefusedWhileFirstIsOpen()
    {
        using var first = OrleansServices.NewStore(_directory.Path);
        await first.OpenAsync();

        using var second = OrleansServices.NewStore(_directory.Path);
        var error = await Assert.ThrowsAsync<EmbeddedStorageException>(second.OpenAsync);

        Assert.Contains("in use by another Warden node", error.Message, StringComparison.Ordinal);
        Assert.Contains(_directory.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_AfterFirstStoreClosed_Succeeds()
    {
        using (var first = OrleansServices.NewStore(_directory.Path))
        {
            await first.OpenAsync();
        }

        using var second = OrleansServices.NewStore(_directory.Path);
        await second.OpenAsync();
    }

    [Fact]
    public async Task Open_FileIsNotADatabase_FailsClearlyAndLeavesFileUntouched()
    {
        var garbage = Enumerable.Range(0, 8192).Select(i => (byte)(i * 31)).ToArray();
        await File.WriteAllBytesAsync(DatabasePath, garbage);

        using var store = OrleansServices.NewStore(_directory.Path);
        var error = await Assert.ThrowsAsync<EmbeddedStorageException>(store.OpenAsync);

        Assert.Contains("not a SQLite database", error.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(DatabasePath));
    }

    [Fact]
    public async Task Write_StoreThatFailedToOpen_FailsWithTheSameClearError()
    {
        await File.WriteAllBytesAsync(DatabasePath, Enumerable.Repeat((byte)0x5A, 4096).ToArray());
        using var store = OrleansServices.NewStore(_directory.Path);
        var storage = _orleans.NewGrainStorage(store);

        var error = await Assert.ThrowsAsync<EmbeddedStorageException>(
            () => storage.WriteStateAsync("note", Grain, new GrainState<NoteState>(new NoteState("x", 1, []))));

        Assert.Contains("not a SQLite database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_CorruptPageInsideDatabase_FailsIntegrityCheckAndLeavesFileUntouched()
    {
        using (var store = OrleansServices.NewStore(_directory.Path))
        {
            var storage = _orleans.NewGrainStorage(store);
            for (var i = 0; i < 300; i++)
            {
                var text = new string((char)('a' + (i % 26)), 900);
                await storage.WriteStateAsync("note", GrainId.Create("session", $"s-{i}"), new GrainState<NoteState>(new NoteState(text, i, [])));
            }
        }

        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(DatabasePath);
        Assert.True(bytes.Length > 16 * 4096, "the test needs a database of many pages");

        // Overwrite the middle of the file (b-tree pages of grain_state) with a pattern SQLite cannot parse.
        var damaged = (byte[])bytes.Clone();
        for (var i = bytes.Length / 2; i < (bytes.Length / 2) + 8192; i++)
        {
            damaged[i] = 0xFF;
        }

        await File.WriteAllBytesAsync(DatabasePath, damaged);

        using var reopened = OrleansServices.NewStore(_directory.Path);
        var error = await Assert.ThrowsAsync<EmbeddedStorageException>(reopened.OpenAsync);

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Matches("integrity check|corrupt|malformed", error.Message);
        Assert.Equal(damaged, await File.ReadAllBytesAsync(DatabasePath));
    }

    [Fact]
    public async Task Open_SqliteDatabaseOfAnotherApplication_RefusedAndUntouched()
    {
        using (var foreign = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            foreign.Open();
            using var command = foreign.CreateCommand();
            command.CommandText = "CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('alice');";
            command.ExecuteNonQuery();
        }

        var before = await File.ReadAllBytesAsync(DatabasePath);
        using var store = OrleansServices.NewStore(_directory.Path);
        var error = await Assert.ThrowsAsync<EmbeddedStorageException>(store.OpenAsync);

        Assert.Contains("not Warden's", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(DatabasePath));
    }

    [Fact]
    public async Task Open_DatabaseFromNewerSchema_Refused()
    {
        using (var store = OrleansServices.NewStore(_directory.Path))
        {
            await store.OpenAsync();
        }

        using (var newer = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            newer.Open();
            using var command = newer.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {SqliteSchema.Version + 1};";
            command.ExecuteNonQuery();
        }

        using var reopened = OrleansServices.NewStore(_directory.Path);
        var error = await Assert.ThrowsAsync<EmbeddedStorageException>(reopened.OpenAsync);
        Assert.Contains("newer than this Warden understands", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_DatabaseLockedByAnotherConnection_FailsClearlyThenRecovers()
    {
        using var store = OrleansServices.NewStore(_directory.Path, o => o.BusyTimeout = TimeSpan.FromSeconds(1));
        var storage = _orleans.NewGrainStorage(store);
        var state = new GrainState<NoteState>(new NoteState("v1", 1, []));
        await storage.WriteStateAsync("note", Grain, state);

        using (var holder = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            holder.Open();
            using var transaction = holder.BeginTransaction(deferred: false);
            using (var command = holder.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "UPDATE grain_state SET version = version WHERE 0;";
                command.ExecuteNonQuery();
            }

            state.State = new NoteState("while locked", 2, []);
            var error = await Assert.ThrowsAsync<EmbeddedStorageException>(() => storage.WriteStateAsync("note", Grain, state));
            Assert.Contains("locked by another connection or process", error.Message, StringComparison.Ordinal);
            transaction.Rollback();
        }

        // Nothing was acknowledged, so the ETag the grain holds is still the stored one.
        state.State = new NoteState("after unlock", 2, []);
        await storage.WriteStateAsync("note", Grain, state);
        var read = new GrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync("note", Grain, read);
        Assert.Equal("after unlock", read.State!.Text);
    }
}
