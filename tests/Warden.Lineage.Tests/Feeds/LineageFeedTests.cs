using CsCheck;
using Warden.Lineage.Chain;
using Warden.Lineage.Feeds;
using Warden.Lineage.Logs;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;

namespace Warden.Lineage.Tests.Feeds;

public sealed class LineageFeedTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ReadAsync_CursorInHistory_GivesHistoryThenLiveExactlyOnce()
    {
        var log = new InMemoryLineageLog();
        var live = new LineageBroadcaster();
        await using var writer = new LineageWriter(log, observer: live);
        for (var i = 1; i <= 10; i++)
        {
            await writer.AppendAsync(Events.Decision("acme", i));
        }

        using var cancel = new CancellationTokenSource(Timeout);
        var feed = LineageFeed.ReadAsync(log, live, new LineageFeedRequest { TenantId = "acme", AfterSequence = 3 }, cancel.Token);
        var received = new List<long>();
        await foreach (var record in feed)
        {
            received.Add(record.Sequence);
            if (record.Sequence == 10)
            {
                for (var i = 11; i <= 15; i++)
                {
                    await writer.AppendAsync(Events.Decision("acme", i));
                }
            }

            if (record.Sequence == 15)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(4, 12).Select(i => (long)i), received);
        Assert.Equal(0, live.SubscriberCount);
    }

    [Fact]
    public async Task ReadAsync_LateSubscriberRandomTiming_SeesEveryRecordOnceInOrder()
    {
        var gen = Gen.Select(Gen.Int[0, 60], Gen.Int[1, 120], Gen.Int[0, 60], Gen.Int[1, 8], Gen.Int[1, 64], Gen.Int);
        await gen.SampleAsync(
            async (before, after, cursorPick, maxBatch, buffer, seed) =>
            {
                var cursor = Math.Min(cursorPick, before);
                var received = await RunSeamScenario(new InMemoryLineageLog(), before, after, cursor, maxBatch, seed, chaos: false, buffer);
                Assert.Equal(Enumerable.Range(cursor + 1, before + after - cursor).Select(i => (long)i), received);
            },
            iter: 150,
            threads: 2);
    }

    [Fact]
    public async Task ReadAsync_LossyDuplicatingReorderingLiveSource_StillSeesEveryRecordOnceInOrder()
    {
        var gen = Gen.Select(Gen.Int[0, 40], Gen.Int[1, 120], Gen.Int[0, 40], Gen.Int[1, 8], Gen.Int);
        await gen.SampleAsync(
            async (before, after, cursorPick, maxBatch, seed) =>
            {
                var cursor = Math.Min(cursorPick, before);
                var received = await RunSeamScenario(new InMemoryLineageLog(), before, after, cursor, maxBatch, seed, chaos: true, bufferCapacity: 4096);
                Assert.Equal(Enumerable.Range(cursor + 1, before + after - cursor).Select(i => (long)i), received);
            },
            iter: 150,
            threads: 2);
    }

    [Fact]
    public async Task ReadAsync_OnSqliteLog_SeesEveryRecordOnceInOrder()
    {
        for (var seed = 0; seed < 5; seed++)
        {
            using var dir = new TempDirectory();
            await using var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { DataDirectory = dir.Path, Synchronous = SqliteSynchronousMode.Normal });
            var received = await RunSeamScenario(log, 30, 60, 10 + seed, maxBatch: 4, seed, chaos: true, bufferCapacity: 4096);
            Assert.Equal(Enumerable.Range(11 + seed, 80 - seed).Select(i => (long)i), received);
        }
    }

    [Fact]
    public async Task ReadAsync_SessionFilter_YieldsOnlyThatSessionAcrossTheSeam()
    {
        var log = new InMemoryLineageLog();
        var live = new ChaosLiveSource(7, drop: 0.3, duplicate: 0.2, hold: 0.2, keep: r => r.Sequence == 40);
        await using var writer = new LineageWriter(log, observer: live);
        for (var i = 1; i <= 20; i++)
        {
            await writer.AppendAsync(Events.Decision("acme", i, session: i % 3 == 0 ? "s-x" : "s-y"));
        }

        using var cancel = new CancellationTokenSource(Timeout);
        var request = new LineageFeedRequest { TenantId = "acme", AfterSequence = 0, SessionId = "s-x" };
        var consumer = Task.Run(async () =>
        {
            var got = new List<long>();
            await foreach (var record in LineageFeed.ReadAsync(log, live, request, cancel.Token))
            {
                got.Add(record.Sequence);
                if (record.Sequence >= 39)
                {
                    break;
                }
            }

            return got;
        });
        for (var i = 21; i <= 40; i++)
        {
            await writer.AppendAsync(Events.Decision("acme", i, session: i % 3 == 0 ? "s-x" : "s-y"));
        }

        var received = await consumer;
        Assert.Equal(Enumerable.Range(1, 40).Where(i => i % 3 == 0).Select(i => (long)i), received);
    }

    [Fact]
    public async Task ReadAsync_LiveOnlyCursor_StartsAfterTheCurrentHead()
    {
        var log = new InMemoryLineageLog();
        var live = new LineageBroadcaster();
        await using var writer = new LineageWriter(log, observer: live);
        await writer.AppendAsync(Events.Decision("acme", 1));
        using var cancel = new CancellationTokenSource(Timeout);
        var feed = LineageFeed.ReadAsync(log, live, new LineageFeedRequest { TenantId = "acme" }, cancel.Token).GetAsyncEnumerator(cancel.Token);

        var first = feed.MoveNextAsync().AsTask();
        while (live.SubscriberCount == 0)
        {
            await Task.Yield();
        }

        await writer.AppendAsync(Events.Decision("acme", 2));

        Assert.True(await first);
        Assert.Equal(2, feed.Current.Sequence);
        await feed.DisposeAsync();
    }

    [Fact]
    public async Task ReadAsync_LiveSourceLosesTheTail_IdleCatchUpFindsItInTheLog()
    {
        var log = new InMemoryLineageLog();
        var clock = new SignallingTimeProvider();
        var silent = new ChaosLiveSource(1, drop: 1.0, duplicate: 0, hold: 0, keep: _ => false);
        await using var writer = new LineageWriter(log, observer: silent);
        using var cancel = new CancellationTokenSource(Timeout);
        var request = new LineageFeedRequest { TenantId = "acme", AfterSequence = 0, IdleCatchUpInterval = TimeSpan.FromSeconds(5), TimeProvider = clock };
        var feed = LineageFeed.ReadAsync(log, silent, request, cancel.Token).GetAsyncEnumerator(cancel.Token);

        var first = feed.MoveNextAsync().AsTask();
        await clock.TimerCreated(cancel.Token);
        for (var i = 1; i <= 3; i++)
        {
            await writer.AppendAsync(Events.Decision("acme", i));
        }

        Assert.False(first.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.True(await first);
        var received = new List<long> { feed.Current.Sequence };
        while (received.Count < 3 && await feed.MoveNextAsync())
        {
            received.Add(feed.Current.Sequence);
        }

        Assert.Equal([1L, 2, 3], received);
        await feed.DisposeAsync();
    }

    [Fact]
    public async Task ReadAsync_LogIsMissingASkippedSequence_ThrowsLineageFeedException()
    {
        var log = new InMemoryLineageLog();
        var live = new ChaosLiveSource(1, drop: 1.0, duplicate: 0, hold: 0, keep: r => r.Sequence == 3);
        await using var writer = new LineageWriter(log, observer: live);
        await writer.AppendAsync(Events.Decision("acme", 1));
        using var cancel = new CancellationTokenSource(Timeout);
        var feed = LineageFeed.ReadAsync(log, live, new LineageFeedRequest { TenantId = "acme", AfterSequence = 1 }, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var first = feed.MoveNextAsync().AsTask();
        while (live.SubscriberCount == 0)
        {
            await Task.Yield();
        }

        // Record 2 is committed but deleted before the feed sees it; record 3 reveals the hole.
        await writer.AppendAsync(Events.Decision("acme", 2));
        log.Tamper("acme", 2, null);
        await writer.AppendAsync(Events.Decision("acme", 3));

        await Assert.ThrowsAsync<LineageFeedException>(() => first);
        await feed.DisposeAsync();
    }

    [Fact]
    public async Task ReadAsync_InvalidRequest_ThrowsArgumentExceptionNamingTheField()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await LineageFeed.ReadAsync(new InMemoryLineageLog(), new LineageBroadcaster(), new LineageFeedRequest { TenantId = "acme", AfterSequence = -1 }).ToListAsync());

        Assert.Equal("AfterSequence", error.ParamName);
    }

    // Appends `before` records, then starts `after` more concurrently with a subscriber at `cursor` that joins after
    // a random number of them; returns what the subscriber received up to the last record.
    private static async Task<List<long>> RunSeamScenario(
        ILineageLog log,
        int before,
        int after,
        int cursor,
        int maxBatch,
        int seed,
        bool chaos,
        int bufferCapacity)
    {
        var total = before + after;
        var random = new Random(seed);
        ILineageCommitObserver observer;
        ILiveLineageSource live;
        if (chaos)
        {
            var source = new ChaosLiveSource(seed, drop: 0.2, duplicate: 0.2, hold: 0.2, keep: r => r.Sequence == total);
            observer = source;
            live = source;
        }
        else
        {
            var broadcaster = new LineageBroadcaster(bufferCapacity);
            observer = broadcaster;
            live = broadcaster;
        }

        await using var writer = new LineageWriter(log, new LineageWriterOptions { MaxBatchSize = maxBatch }, observer);
        for (var i = 1; i <= before; i++)
        {
            await writer.AppendAsync(Events.Decision("acme", i));
        }

        var joinAfter = random.Next(0, after + 1);
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = Task.Run(async () =>
        {
            var pending = new List<Task>();
            for (var i = before + 1; i <= total; i++)
            {
                if (i - before - 1 == joinAfter)
                {
                    joined.TrySetResult();
                }

                pending.Add(writer.AppendAsync(Events.Decision("acme", i)).AsTask());
                if (random.Next(3) == 0)
                {
                    await Task.Yield();
                }
            }

            joined.TrySetResult();
            await Task.WhenAll(pending);
        });

        await joined.Task;
        using var cancel = new CancellationTokenSource(Timeout);
        var received = new List<long>();
        await foreach (var record in LineageFeed.ReadAsync(log, live, new LineageFeedRequest { TenantId = "acme", AfterSequence = cursor, IdleCatchUpInterval = null }, cancel.Token))
        {
            received.Add(record.Sequence);
            if (record.Sequence >= total)
            {
                break;
            }
        }

        await producer;
        return received;
    }
}
