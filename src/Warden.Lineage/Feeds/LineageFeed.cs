using System.Globalization;
using System.Runtime.CompilerServices;
using Warden.Lineage.Logs;
using Warden.Lineage.Records;

namespace Warden.Lineage.Feeds;

/// <summary>
/// History, then live: a subscriber that names a cursor receives every record after it exactly once, in sequence
/// order, first from the log and then as they are committed, with no gap and no duplicate across the seam.
/// This is what the gRPC <c>Watch</c> service, server-sent events and Orleans-stream consumers enumerate.
/// </summary>
/// <remarks>
/// <para>How the seam is closed:</para>
/// <list type="number">
/// <item>Subscribe to the live source FIRST, so every record committed from then on is offered to the feed.</item>
/// <item>Read the head marker <c>H</c>; every record up to <c>H</c> is in the log. Replay the cursor..H from the log.</item>
/// <item>Then read live: a record at or below the last one delivered is a duplicate and is dropped; a record
/// beyond the next expected sequence reveals a gap (the live source lost or reordered records) and the gap is
/// back-filled from the log before it is delivered.</item>
/// <item>If the live source stays quiet for <see cref="LineageFeedRequest.IdleCatchUpInterval"/>, the log is checked
/// for records the live source lost at the tail.</item>
/// </list>
/// <para>
/// Continuity is tracked on the tenant sequence of all records; filters only decide what is yielded. The feed ends
/// when the live source ends or the token is cancelled; resume with the sequence of the last record received.
/// </para>
/// </remarks>
public static class LineageFeed
{
    /// <summary>Enumerates the feed described by <paramref name="request"/>.</summary>
    /// <param name="log">The durable log (history and back-fill).</param>
    /// <param name="live">The live source (committed records).</param>
    /// <param name="request">Tenant, cursor and filters.</param>
    /// <param name="cancellationToken">Ends the feed.</param>
    /// <exception cref="LineageFeedException">The log is missing a sequence (the chain is damaged).</exception>
    public static async IAsyncEnumerable<LineageRecord> ReadAsync(
        ILineageLog log,
        ILiveLineageSource live,
        LineageFeedRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();

        var tenantId = request.TenantId;
        await using var subscription = await live.SubscribeAsync(tenantId, cancellationToken).ConfigureAwait(false);

        // INVARIANT: the subscription is active, so every record beyond the head read now will be offered live
        // (or revealed as a gap by a later one, or found by the idle catch-up).
        var head = (await log.ReadHeadAsync(tenantId, cancellationToken).ConfigureAwait(false))?.Sequence ?? 0;
        long next;
        if (request.AfterSequence is not { } cursor)
        {
            next = head + 1;
        }
        else
        {
            next = cursor + 1;
            if (cursor < head)
            {
                if (request.HasFilter)
                {
                    await foreach (var record in QueryRangeAsync(log, request, cursor, head, cancellationToken).ConfigureAwait(false))
                    {
                        yield return record;
                    }

                    next = head + 1;
                }
                else
                {
                    await foreach (var record in ReadRangeAsync(log, tenantId, next, head, cancellationToken).ConfigureAwait(false))
                    {
                        next = record.Sequence + 1;
                        yield return record;
                    }
                }
            }
        }

        var filter = request.ToQuery(0, long.MaxValue);
        var reader = subscription.Records;
        Task<bool>? waiting = null;
        while (true)
        {
            waiting ??= reader.WaitToReadAsync(cancellationToken).AsTask();
            if (!waiting.IsCompleted && request.IdleCatchUpInterval is { } idle)
            {
                using var idleCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var timer = Task.Delay(idle, request.TimeProvider, idleCancel.Token);
                var first = await Task.WhenAny(waiting, timer).ConfigureAwait(false);
                await idleCancel.CancelAsync().ConfigureAwait(false);
                if (first != waiting)
                {
                    cancellationToken.ThrowIfCancellationRequested();

                    // Quiet: anything committed since that the live source did not deliver is still in the log.
                    await foreach (var record in ReadRangeAsync(log, tenantId, next, long.MaxValue, cancellationToken).ConfigureAwait(false))
                    {
                        next = record.Sequence + 1;
                        if (filter.Matches(record))
                        {
                            yield return record;
                        }
                    }

                    continue;
                }
            }

            var more = await waiting.ConfigureAwait(false);
            waiting = null;
            if (!more)
            {
                yield break;
            }

            while (reader.TryRead(out var record))
            {
                if (record.Sequence < next)
                {
                    continue;
                }

                if (record.Sequence > next)
                {
                    await foreach (var missed in ReadRangeAsync(log, tenantId, next, record.Sequence - 1, cancellationToken).ConfigureAwait(false))
                    {
                        next = missed.Sequence + 1;
                        if (filter.Matches(missed))
                        {
                            yield return missed;
                        }
                    }

                    if (next != record.Sequence)
                    {
                        throw new LineageFeedException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"Tenant '{tenantId}': sequence {next} is not in the log, yet {record.Sequence} was committed; verify the chain."));
                    }
                }

                next = record.Sequence + 1;
                if (filter.Matches(record))
                {
                    yield return record;
                }
            }
        }
    }

    // Records from..to (inclusive) from the log, each exactly the next sequence: a hole in the log is an error.
    private static async IAsyncEnumerable<LineageRecord> ReadRangeAsync(
        ILineageLog log,
        string tenantId,
        long from,
        long to,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var expected = from;
        await foreach (var record in log.ReadAsync(tenantId, from, cancellationToken).ConfigureAwait(false))
        {
            if (record.Sequence > to)
            {
                yield break;
            }

            if (record.Sequence != expected)
            {
                throw new LineageFeedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Tenant '{tenantId}': expected sequence {expected} in the log, found {record.Sequence}; verify the chain."));
            }

            expected++;
            yield return record;
        }

        if (to != long.MaxValue && expected <= to)
        {
            throw new LineageFeedException(string.Create(
                CultureInfo.InvariantCulture,
                $"Tenant '{tenantId}': sequences {expected} to {to} are committed but not in the log; verify the chain."));
        }
    }

    private static async IAsyncEnumerable<LineageRecord> QueryRangeAsync(
        ILineageLog log,
        LineageFeedRequest request,
        long after,
        long upTo,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = after;
        while (true)
        {
            var count = 0;
            await foreach (var record in log.QueryAsync(request.ToQuery(cursor, upTo), cancellationToken).ConfigureAwait(false))
            {
                count++;
                cursor = record.Sequence;
                yield return record;
            }

            if (count < Query.LineageQuery.MaxLimit)
            {
                yield break;
            }
        }
    }
}
