using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Warden.Lineage.Chain;
using Warden.Lineage.Diagnostics;
using Warden.Lineage.Logs;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;
using Warden.Lineage.Verification;

namespace Warden.Lineage.Tests.Chain;

public sealed class LineageWriterTests
{
    [Fact]
    public async Task AppendAsync_SequentialAppends_ChainsSequencesAndHashes()
    {
        var log = new InMemoryLineageLog();
        await using var writer = new LineageWriter(log);

        var records = new List<LineageRecord>();
        for (var i = 0; i < 5; i++)
        {
            records.Add((await writer.AppendAsync(Events.Decision("acme", i))).Record!);
        }

        Assert.Equal([1L, 2, 3, 4, 5], records.Select(r => r.Sequence));
        Assert.True(records[0].PreviousHash.IsZero);
        for (var i = 1; i < records.Count; i++)
        {
            Assert.Equal(records[i - 1].Hash, records[i].PreviousHash);
        }

        Assert.All(records, r => Assert.True(r.HasValidHash()));
        Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
    }

    [Fact]
    public async Task AppendAsync_RecordEncodedWhileHashing_StoresTheCanonicalBytes()
    {
        // The writer encodes each record once (hash and stored form from one pass): the bytes must be the canonical ones.
        var log = new InMemoryLineageLog();
        await using var writer = new LineageWriter(log);
        var plain = Events.Full();
        var stepped = Events.Decision("acme", 2) with { SessionId = "s1", Step = new LineageSessionStep { SessionSequence = 3, Labels = ["secret"] } };

        var records = new[] { (await writer.AppendAsync(plain)).Record!, (await writer.AppendAsync(stepped)).Record! };

        foreach (var record in records)
        {
            var fresh = record with { };
            var canonical = LineageRecordSerializer.Serialize(new LineageRecord { Sequence = record.Sequence, Event = record.Event, PreviousHash = record.PreviousHash, Hash = record.Hash });
            Assert.Equal(canonical, LineageRecordSerializer.Serialize(fresh));
            Assert.Equal(LineageRecordSerializer.ComputeHash(record.Sequence, record.Event, record.PreviousHash), record.Hash);

            // A copy with another event or sequence never reuses the bytes encoded for the original.
            var altered = record with { Event = record.Event with { DecisionId = "forged" } };
            var moved = record with { Sequence = record.Sequence + 100 };
            Assert.Equal("forged", LineageRecordSerializer.Deserialize(LineageRecordSerializer.Serialize(altered)).Event.DecisionId);
            Assert.Equal(record.Sequence + 100, LineageRecordSerializer.Deserialize(LineageRecordSerializer.Serialize(moved)).Sequence);
        }

        await foreach (var stored in log.ReadAsync(plain.TenantId, 1))
        {
            Assert.True(stored.HasValidHash());
        }

        Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
    }

    [Fact]
    public async Task AppendAsync_TwoTenants_KeepIndependentChains()
    {
        var log = new InMemoryLineageLog();
        await using var writer = new LineageWriter(log);

        var a1 = (await writer.AppendAsync(Events.Decision("acme", 1))).Record!;
        var b1 = (await writer.AppendAsync(Events.Decision("globex", 2))).Record!;
        var a2 = (await writer.AppendAsync(Events.Decision("acme", 3))).Record!;

        Assert.Equal(1, a1.Sequence);
        Assert.Equal(1, b1.Sequence);
        Assert.True(b1.PreviousHash.IsZero);
        Assert.Equal(2, a2.Sequence);
        Assert.Equal(a1.Hash, a2.PreviousHash);
    }

    [Fact]
    public async Task AppendAsync_Durable_DoesNotCompleteBeforeTheLogCommits()
    {
        var log = new ControlledLog(new InMemoryLineageLog());
        await using var writer = new LineageWriter(log);
        log.Close();

        var append = writer.AppendAsync(Events.Decision("acme", 1)).AsTask();
        await log.Entered;

        Assert.False(append.IsCompleted);
        Assert.Empty(log.CommittedBatchSizes);

        log.Release();
        var result = await append;
        Assert.True(result.IsDurable);
        Assert.Equal([1], log.CommittedBatchSizes);
    }

    [Fact]
    public async Task AppendAsync_AppendsArrivingDuringACommit_ShareTheNextTransaction()
    {
        var log = new ControlledLog(new InMemoryLineageLog());
        await using var writer = new LineageWriter(log);
        log.Close();

        var first = writer.AppendAsync(Events.Decision("acme", 0)).AsTask();
        await log.Entered;
        var waiting = Enumerable.Range(1, 50).Select(i => writer.AppendAsync(Events.Decision(i % 2 == 0 ? "acme" : "globex", i)).AsTask()).ToList();

        Assert.All(waiting, t => Assert.False(t.IsCompleted));
        log.Release();
        await Task.WhenAll(waiting.Append(first));

        Assert.Equal([1, 50], log.BatchSizes);
    }

    [Fact]
    public async Task AppendAsync_AfterALargeBatch_WaitsTheCommitDelaySoAppendsArrivingMeanwhileShareOneCommit()
    {
        var clock = new FakeTimeProvider();
        var log = new ControlledLog(new InMemoryLineageLog());
        await using var writer = new LineageWriter(log, new LineageWriterOptions { CommitDelay = TimeSpan.FromMilliseconds(5), CommitDelayFromRecords = 3, TimeProvider = clock });
        await writer.AppendManyAsync([Events.Decision("acme", 1), Events.Decision("acme", 2), Events.Decision("acme", 3)]);

        // The previous batch held 3 records: the loop waits 5 ms (on the fake clock, which has not moved) before it takes
        // the next batch, so these three appends, one after another, are committed together.
        var waiting = Enumerable.Range(4, 3).Select(i => writer.AppendAsync(Events.Decision("acme", i)).AsTask()).ToList();
        var all = Task.WhenAll(waiting);
        for (var i = 0; i < 6000 && !all.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            await Task.WhenAny(all, Task.Delay(10));
        }

        await all;
        Assert.Equal([3, 3], log.BatchSizes);
        Assert.Equal([4L, 5, 6], waiting.Select(t => t.Result.Record!.Sequence));
    }

    [Fact]
    public async Task AppendAsync_AfterASmallBatch_CommitsWithoutWaiting()
    {
        // The fake clock never moves: an append that waited for the commit delay would never complete.
        var clock = new FakeTimeProvider();
        var log = new ControlledLog(new InMemoryLineageLog());
        await using var writer = new LineageWriter(log, new LineageWriterOptions { CommitDelay = TimeSpan.FromMilliseconds(5), CommitDelayFromRecords = 3, TimeProvider = clock });
        await writer.AppendManyAsync([Events.Decision("acme", 1), Events.Decision("acme", 2)]);

        var next = await writer.AppendAsync(Events.Decision("acme", 3)).AsTask().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(3, next.Record!.Sequence);
        Assert.Equal([2, 1], log.BatchSizes);
    }

    [Fact]
    public async Task AppendAsync_DefaultOptionsAfterALargeBatch_CommitsWithoutWaiting()
    {
        // The default commit delay is zero: with a clock that never moves, an append after a batch far above the delay's
        // threshold still commits.
        var clock = new FakeTimeProvider();
        var log = new ControlledLog(new InMemoryLineageLog());
        await using var writer = new LineageWriter(log, new LineageWriterOptions { TimeProvider = clock });
        await writer.AppendManyAsync([.. Enumerable.Range(1, 100).Select(i => Events.Decision("acme", i))]);

        var next = await writer.AppendAsync(Events.Decision("acme", 101)).AsTask().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(101, next.Record!.Sequence);
        Assert.Equal([100, 1], log.BatchSizes);
    }

    [Theory]
    [InlineData(-1, 32)]
    [InlineData(1001, 32)]
    [InlineData(1, 0)]
    public void Options_CommitDelayOutOfRange_AreRefused(int delayMs, int fromRecords)
    {
        var options = new LineageWriterOptions { CommitDelay = TimeSpan.FromMilliseconds(delayMs), CommitDelayFromRecords = fromRecords };

        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public async Task AppendAsync_LogFails_EveryAppenderInTheBatchGetsLineageWriteException()
    {
        var log = new ControlledLog(new InMemoryLineageLog());
        await using var writer = new LineageWriter(log);
        await writer.AppendAsync(Events.Decision("acme", 0));
        log.Close();
        log.FailNext = new IOException("disk full");

        var blocked = writer.AppendAsync(Events.Decision("acme", 1)).AsTask();
        await log.Entered;
        var batched = Enumerable.Range(2, 3).Select(i => writer.AppendAsync(Events.Decision("acme", i)).AsTask()).ToList();
        log.Release();

        var error = await Assert.ThrowsAsync<LineageWriteException>(() => blocked);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal("acme", error.TenantId);
        foreach (var task in batched)
        {
            // The second batch commits normally: only the failed batch's appenders fail.
            Assert.True((await task).IsDurable);
        }

        var next = (await writer.AppendAsync(Events.Decision("acme", 9))).Record!;
        Assert.Equal(5, next.Sequence);
        Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
    }

    [Fact]
    public async Task AppendAsync_Asynchronous_ReturnsBeforeDurabilityAndFlushWaitsForIt()
    {
        var inner = new InMemoryLineageLog();
        var log = new ControlledLog(inner);
        await using var writer = new LineageWriter(log, new LineageWriterOptions { Durability = LineageDurability.Asynchronous });
        log.Close();

        var results = new List<LineageAppendResult>();
        for (var i = 0; i < 10; i++)
        {
            results.Add(await writer.AppendAsync(Events.Decision("acme", i)));
        }

        await log.Entered;
        Assert.All(results, r => Assert.False(r.IsDurable));
        Assert.Null(await inner.ReadLastAsync("acme"));

        var flush = writer.FlushAsync();
        Assert.False(flush.IsCompleted);
        log.Release();
        await flush;

        Assert.Equal(10, (await inner.ReadLastAsync("acme"))!.Sequence);
        Assert.Equal(LineageDurability.Asynchronous, writer.Durability);
    }

    [Fact]
    public async Task FlushAsync_AsynchronousBatchFailed_ReportsTheLoss()
    {
        var log = new ControlledLog(new InMemoryLineageLog());
        await using var writer = new LineageWriter(log, new LineageWriterOptions { Durability = LineageDurability.Asynchronous });
        log.FailNext = new IOException("disk full");

        await writer.AppendAsync(Events.Decision("acme", 1));

        await Assert.ThrowsAsync<LineageWriteException>(() => writer.FlushAsync());
        await writer.FlushAsync();
    }

    [Fact]
    public async Task AppendAsync_InvalidEvent_ThrowsArgumentExceptionAndQueuesNothing()
    {
        var log = new InMemoryLineageLog();
        await using var writer = new LineageWriter(log);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => writer.AppendAsync(Events.Decision("acme", 1) with { Action = null }).AsTask());

        Assert.Equal("Action", error.ParamName);
        await writer.FlushAsync();
        Assert.Equal(0, log.BatchCount);
    }

    [Fact]
    public async Task AppendAsync_RecordTooLarge_IsRefusedAndTheChainGoesOn()
    {
        var log = new InMemoryLineageLog();
        await using var writer = new LineageWriter(log);
        var huge = Events.Decision("acme", 1, redactedContext: new string('x', LineageLimits.MaxRecordBytes));

        await Assert.ThrowsAsync<ArgumentException>(() => writer.AppendAsync(huge).AsTask());
        var next = (await writer.AppendAsync(Events.Decision("acme", 2))).Record!;

        Assert.Equal(1, next.Sequence);
    }

    [Fact]
    public async Task AppendManyAsync_Group_GetsConsecutiveSequencesInCallOrderInOneCommit()
    {
        var log = new InMemoryLineageLog();
        await using var writer = new LineageWriter(log);
        await writer.AppendAsync(Events.Decision("acme", 0));

        var group = await writer.AppendManyAsync([Events.Decision("acme", 1), Events.Decision("acme", 2), Events.Decision("acme", 3)]);

        Assert.Equal([2L, 3, 4], group.Select(r => r.Sequence));
        Assert.Equal(["d-1", "d-2", "d-3"], group.Select(r => r.Event.DecisionId));
        Assert.Equal(group[0].Hash, group[1].PreviousHash);
        Assert.Equal(group[1].Hash, group[2].PreviousHash);
        Assert.Equal(2, log.BatchCount);
        Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
    }

    [Fact]
    public async Task AppendManyAsync_OneRecordTooLarge_StoresNothingOfTheGroupAndTheChainGoesOnFromBeforeIt()
    {
        var log = new InMemoryLineageLog();
        await using var writer = new LineageWriter(log);
        await writer.AppendAsync(Events.Decision("acme", 0));
        var huge = Events.Decision("acme", 2, redactedContext: new string('x', LineageLimits.MaxRecordBytes));

        await Assert.ThrowsAsync<ArgumentException>(() => writer.AppendManyAsync([Events.Decision("acme", 1), huge]).AsTask());
        var next = (await writer.AppendAsync(Events.Decision("acme", 3))).Record!;

        Assert.Equal(2, next.Sequence);
        var stored = await log.ReadAsync("acme", 1).ToListAsync();
        Assert.Equal(["d-0", "d-3"], stored.Select(r => r.Event.DecisionId));
        Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
    }

    [Fact]
    public async Task AppendManyAsync_InvalidEvent_ThrowsArgumentExceptionAndQueuesNoneOfTheGroup()
    {
        var log = new InMemoryLineageLog();
        await using var writer = new LineageWriter(log);

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => writer.AppendManyAsync([Events.Decision("acme", 1), Events.Decision("acme", 2) with { Action = null }]).AsTask());

        Assert.Equal("Action", error.ParamName);
        await writer.FlushAsync();
        Assert.Equal(0, log.BatchCount);
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposedException()
    {
        var writer = new LineageWriter(new InMemoryLineageLog());
        await writer.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.AppendAsync(Events.Decision("acme", 1)).AsTask());
    }

    [Fact]
    public async Task AppendManyAsync_AfterDispose_ThrowsObjectDisposedException()
    {
        var writer = new LineageWriter(new InMemoryLineageLog());
        await writer.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.AppendManyAsync([Events.Decision("acme", 1)]).AsTask());
    }

    [Fact]
    public async Task DisposeAsync_WithQueuedAsynchronousAppends_CommitsThemFirst()
    {
        var log = new InMemoryLineageLog();
        var writer = new LineageWriter(log, new LineageWriterOptions { Durability = LineageDurability.Asynchronous });
        for (var i = 0; i < 100; i++)
        {
            await writer.AppendAsync(Events.Decision("acme", i));
        }

        await writer.DisposeAsync();

        Assert.Equal(100, (await log.ReadLastAsync("acme"))!.Sequence);
    }

    [Fact]
    public async Task AppendAsync_WaitCancelled_ThrowsButTheRecordIsStillCommitted()
    {
        var log = new ControlledLog(new InMemoryLineageLog());
        await using var writer = new LineageWriter(log);
        log.Close();
        using var cancel = new CancellationTokenSource();

        var append = writer.AppendAsync(Events.Decision("acme", 1), cancel.Token).AsTask();
        await log.Entered;
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => append);
        log.Release();
        await writer.FlushAsync();
        Assert.Equal(1, (await log.ReadLastAsync("acme"))!.Sequence);
    }

    [Fact]
    public async Task AppendAsync_AnotherWriterAppendedMeanwhile_FailsOnceThenResumesWithoutForking()
    {
        var log = new InMemoryLineageLog();
        await using var first = new LineageWriter(log);
        await using var second = new LineageWriter(log);
        await first.AppendAsync(Events.Decision("acme", 1));
        await second.AppendAsync(Events.Decision("acme", 2));

        // first still believes the head is 1: its next sequence (2) is taken, and the log refuses it.
        var error = await Assert.ThrowsAsync<LineageWriteException>(() => first.AppendAsync(Events.Decision("acme", 3)).AsTask());
        Assert.IsType<LineageConflictException>(error.InnerException);

        var retried = (await first.AppendAsync(Events.Decision("acme", 3))).Record!;
        Assert.Equal(3, retried.Sequence);
        Assert.True((await LineageVerifier.VerifyAsync(log, "acme")).IsIntact);
    }

    [Fact]
    public async Task ResetTenantAsync_AfterAnotherWriterAppended_NextAppendSucceedsFirstTime()
    {
        var log = new InMemoryLineageLog();
        await using var first = new LineageWriter(log);
        await using var second = new LineageWriter(log);
        await first.AppendAsync(Events.Decision("acme", 1));
        await second.AppendAsync(Events.Decision("acme", 2));

        await first.ResetTenantAsync("acme");
        var next = (await first.AppendAsync(Events.Decision("acme", 3))).Record!;

        Assert.Equal(3, next.Sequence);
    }

    [Fact]
    public async Task AppendAsync_StoredTailDisagreesWithHeadMarker_RefusesToAppend()
    {
        var log = new InMemoryLineageLog();
        await using (var writer = new LineageWriter(log))
        {
            for (var i = 0; i < 3; i++)
            {
                await writer.AppendAsync(Events.Decision("acme", i));
            }
        }

        log.Tamper("acme", 3, null);
        await using var reopened = new LineageWriter(log);

        var error = await Assert.ThrowsAsync<LineageWriteException>(() => reopened.AppendAsync(Events.Decision("acme", 4)).AsTask());
        Assert.IsType<LineageIntegrityException>(error.InnerException);
        Assert.Equal(2, (await log.ReadLastAsync("acme"))!.Sequence);
    }

    [Fact]
    public async Task AppendAsync_Committed_NotifiesTheObserverInOrderAndSurvivesItsFailure()
    {
        var observer = new RecordingObserver { Throw = true };
        await using var writer = new LineageWriter(new InMemoryLineageLog(), observer: observer);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await writer.AppendAsync(Events.Decision("acme", i))).IsDurable);
        }

        Assert.Equal([1L, 2, 3], observer.Sequences);
    }

    [Fact]
    public async Task AppendAsync_Committed_RecordsTelemetry()
    {
        long committed = 0;
        var batches = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LineageTelemetry.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "warden.lineage.records.committed" && tags.ToArray().Any(t => t.Value is "durable"))
            {
                Interlocked.Add(ref committed, value);
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, _, _, _) =>
        {
            if (instrument.Name == "warden.lineage.batch.size")
            {
                Interlocked.Increment(ref batches);
            }
        });
        listener.Start();
        await using var writer = new LineageWriter(new InMemoryLineageLog());

        for (var i = 0; i < 4; i++)
        {
            await writer.AppendAsync(Events.Decision("telemetry-tenant", i));
        }

        // Other tests run in parallel and share the static meter: at least ours must be counted.
        Assert.True(Interlocked.Read(ref committed) >= 4);
        Assert.True(Volatile.Read(ref batches) >= 1);
    }

    private sealed class RecordingObserver : ILineageCommitObserver
    {
        public bool Throw { get; init; }

        public List<long> Sequences { get; } = [];

        public void OnCommitted(IReadOnlyList<LineageRecord> records)
        {
            Sequences.AddRange(records.Select(r => r.Sequence));
            if (Throw)
            {
                throw new InvalidOperationException("observer failure");
            }
        }
    }
}
