using Orleans.Runtime;
using Warden.Storage.Sqlite;
using Warden.Storage.Tests.Support;
using Warden.Testing;

namespace Warden.Storage.Tests.Sqlite;

public sealed class SqliteReminderTableTests : IDisposable
{
    private static readonly DateTime Start = new(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private readonly TempDirectory _directory = TempDirectory.Create("reminders");
    private readonly SqliteStore _store;
    private readonly SqliteReminderTable _table;

    public SqliteReminderTableTests()
    {
        _store = OrleansServices.NewStore(_directory.Path);
        _table = new SqliteReminderTable(_store);
    }

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task UpsertRow_ThenReadRow_RoundTripsEveryField()
    {
        var grain = GrainId.Create("session", "s-1");
        var etag = await _table.UpsertRow(Entry(grain, "expire", TimeSpan.FromMinutes(3)));

        var row = await _table.ReadRow(grain, "expire");

        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("expire", row.ReminderName);
        Assert.Equal(Start, row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromMinutes(3), row.Period);
        Assert.Equal(etag, row.ETag);
    }

    [Fact]
    public async Task ReadRow_Missing_ReturnsNull()
    {
        await _table.Init();

        Assert.Null(await _table.ReadRow(GrainId.Create("session", "none"), "expire"));
    }

    [Fact]
    public async Task UpsertRow_Existing_ReplacesAndIssuesNewETag()
    {
        var grain = GrainId.Create("session", "s-1");
        var first = await _table.UpsertRow(Entry(grain, "expire", TimeSpan.FromMinutes(1)));

        var second = await _table.UpsertRow(Entry(grain, "expire", TimeSpan.FromMinutes(2)));
        var rows = await _table.ReadRows(grain);

        Assert.NotEqual(first, second);
        var row = Assert.Single(rows.Reminders);
        Assert.Equal(TimeSpan.FromMinutes(2), row.Period);
        Assert.Equal(second, row.ETag);
    }

    [Fact]
    public async Task ReadRows_ByGrain_ReturnsOnlyThatGrainsReminders()
    {
        var mine = GrainId.Create("session", "mine");
        var other = GrainId.Create("session", "other");
        await _table.UpsertRow(Entry(mine, "a", TimeSpan.FromMinutes(1)));
        await _table.UpsertRow(Entry(mine, "b", TimeSpan.FromMinutes(1)));
        await _table.UpsertRow(Entry(other, "a", TimeSpan.FromMinutes(1)));

        var rows = await _table.ReadRows(mine);

        Assert.Equal(["a", "b"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(mine, r.GrainId));
    }

    [Fact]
    public async Task RemoveRow_CurrentETag_RemovesRow()
    {
        var grain = GrainId.Create("session", "s-1");
        var etag = await _table.UpsertRow(Entry(grain, "expire", TimeSpan.FromMinutes(1)));

        Assert.True(await _table.RemoveRow(grain, "expire", etag!));
        Assert.Null(await _table.ReadRow(grain, "expire"));
    }

    [Fact]
    public async Task RemoveRow_StaleETag_ReturnsFalseAndKeepsRow()
    {
        var grain = GrainId.Create("session", "s-1");
        var stale = await _table.UpsertRow(Entry(grain, "expire", TimeSpan.FromMinutes(1)));
        await _table.UpsertRow(Entry(grain, "expire", TimeSpan.FromMinutes(2)));

        Assert.False(await _table.RemoveRow(grain, "expire", stale!));
        Assert.NotNull(await _table.ReadRow(grain, "expire"));
    }

    [Fact]
    public async Task RemoveRow_ReRegisteredAfterRemoval_OldETagDoesNotMatch()
    {
        var grain = GrainId.Create("session", "s-1");
        var old = await _table.UpsertRow(Entry(grain, "expire", TimeSpan.FromMinutes(1)));
        Assert.True(await _table.RemoveRow(grain, "expire", old!));
        await _table.UpsertRow(Entry(grain, "expire", TimeSpan.FromMinutes(1)));

        Assert.False(await _table.RemoveRow(grain, "expire", old!));
    }

    [Fact]
    public async Task RemoveRow_Missing_ReturnsFalse()
    {
        await _table.Init();

        Assert.False(await _table.RemoveRow(GrainId.Create("session", "none"), "expire", "any"));
    }

    [Fact]
    public async Task ReadRows_HashRanges_ReturnExactlyTheHalfOpenInterval()
    {
        var grains = await RegisterManyAsync(120);
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
        var (low, high) = (hashes[20], hashes[80]);

        // (begin, end]: the grain at `low` is out, the grain at `high` is in.
        await AssertRangeAsync(grains, low, high);
        await AssertRangeAsync(grains, low - 1, high - 1);
        await AssertRangeAsync(grains, 0, uint.MaxValue);
        await AssertRangeAsync(grains, hashes[0], hashes[1]);
        var inside = await _table.ReadRows(low, high);
        Assert.DoesNotContain(inside.Reminders, r => r.GrainId.GetUniformHashCode() == low);
        Assert.Contains(inside.Reminders, r => r.GrainId.GetUniformHashCode() == high);
    }

    [Fact]
    public async Task ReadRows_WrapAroundRange_ReturnsBothEndsOfTheRing()
    {
        var grains = await RegisterManyAsync(120);
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();

        // begin > end wraps past zero: (begin, MaxValue] ∪ [0, end].
        await AssertRangeAsync(grains, hashes[100], hashes[10]);
        await AssertRangeAsync(grains, uint.MaxValue, hashes[50]);
        await AssertRangeAsync(grains, hashes[60], 0);
        var wrapped = await _table.ReadRows(hashes[100], hashes[10]);
        Assert.Contains(wrapped.Reminders, r => r.GrainId.GetUniformHashCode() == hashes[119]);
        Assert.Contains(wrapped.Reminders, r => r.GrainId.GetUniformHashCode() == hashes[0]);
        Assert.DoesNotContain(wrapped.Reminders, r => r.GrainId.GetUniformHashCode() == hashes[50]);
    }

    [Fact]
    public async Task ReadRows_BeginEqualsEnd_ReturnsTheWholeRing()
    {
        var grains = await RegisterManyAsync(40);
        var pivot = grains[7].GetUniformHashCode();

        var all = await _table.ReadRows(pivot, pivot);

        Assert.Equal(grains.Count, all.Reminders.Count);
    }

    [Fact]
    public async Task TestOnlyClearTable_RemovesEveryRow()
    {
        var grains = await RegisterManyAsync(10);

        await _table.TestOnlyClearTable();

        Assert.Empty((await _table.ReadRows(0, 0)).Reminders);
        Assert.Empty((await _table.ReadRows(grains[0])).Reminders);
    }

    [Fact]
    public async Task Reminders_NewStoreOnSameDirectory_AreStillThere()
    {
        using var directory = TempDirectory.Create("reminders-reopen");
        var grain = GrainId.Create("session", "s-1");
        string? etag;
        using (var store = OrleansServices.NewStore(directory.Path))
        {
            etag = await new SqliteReminderTable(store).UpsertRow(Entry(grain, "expire", TimeSpan.FromMinutes(5)));
        }

        using var reopened = OrleansServices.NewStore(directory.Path);
        var row = await new SqliteReminderTable(reopened).ReadRow(grain, "expire");

        Assert.NotNull(row);
        Assert.Equal(etag, row.ETag);
        Assert.Equal(TimeSpan.FromMinutes(5), row.Period);
    }

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = Start, Period = period };

    private async Task<List<GrainId>> RegisterManyAsync(int count)
    {
        var grains = Enumerable.Range(0, count).Select(i => GrainId.Create("session", $"ring-{i}")).ToList();
        await Task.WhenAll(grains.Select(g => _table.UpsertRow(Entry(g, "expire", TimeSpan.FromMinutes(1)))));
        Assert.Equal(count, grains.Select(g => g.GetUniformHashCode()).Distinct().Count());
        return grains;
    }

    private async Task AssertRangeAsync(List<GrainId> grains, uint begin, uint end)
    {
        static bool InRange(uint hash, uint begin, uint end) =>
            begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

        var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order().ToArray();
        var actual = (await _table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order().ToArray();
        Assert.Equal(expected, actual);
    }
}
