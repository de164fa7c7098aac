using Warden.Lineage.Logs;
using Warden.Lineage.Query;
using Warden.Lineage.Records;

namespace Warden.Lineage.Tests.Support;

/// <summary>
/// Differential checks of a lineage log's reads against another log holding the same records (the in-memory log is
/// the oracle): every filter, their combinations, sequence and time bounds, limits and cursor paging, and full reads.
/// </summary>
internal static class LineageQueryOracle
{
    /// <summary>The n-th event of a varied chain: 7 sessions, 3 agents, 11 resources, denials, approvals, other kinds.</summary>
    public static LineageEvent Event(string tenant, int n)
    {
        var decision = n % 13 == 0 ? LineageDecision.ApprovalRequired : n % 5 == 0 ? LineageDecision.Deny : LineageDecision.Allow;
        var evt = Events.Decision(tenant, n, session: $"s-{n % 7}", agent: $"agent-{n % 3}", decision: decision, resource: $"Table::\"t{n % 11}\"");
        return (n % 17) switch
        {
            0 => Events.SessionOpened(tenant, $"s-{n % 7}", $"agent-{n % 3}", n),
            // Not in time order, and without session, agent or resource.
            1 => evt with { Kind = LineageEventKind.PolicyPublished, OccurredAt = evt.OccurredAt.AddMilliseconds(-40), AgentId = null, SessionId = null, Resource = null, Decision = LineageDecision.None },
            _ => evt,
        };
    }

    /// <summary>The queries compared: each filter alone and combined, with bounds.</summary>
    public static IEnumerable<LineageQuery> Queries(string tenant, long count)
    {
        var t = Events.Start;
        yield return new LineageQuery { TenantId = tenant };
        yield return new LineageQuery { TenantId = "nobody" };
        foreach (var s in new[] { "s-0", "s-3", "s-6", "s-none" })
        {
            yield return new LineageQuery { TenantId = tenant, SessionId = s };
        }

        yield return new LineageQuery { TenantId = tenant, AgentId = "agent-1" };
        yield return new LineageQuery { TenantId = tenant, Resource = "Table::\"t4\"" };
        yield return new LineageQuery { TenantId = tenant, Decision = LineageDecision.Deny };
        yield return new LineageQuery { TenantId = tenant, Decision = LineageDecision.ApprovalRequired };
        yield return new LineageQuery { TenantId = tenant, Decision = LineageDecision.Allow };
        yield return new LineageQuery { TenantId = tenant, Decision = LineageDecision.None };
        yield return new LineageQuery { TenantId = tenant, Kind = LineageEventKind.SessionOpened };
        yield return new LineageQuery { TenantId = tenant, Kind = LineageEventKind.PolicyPublished };
        yield return new LineageQuery { TenantId = tenant, From = t.AddMilliseconds(count / 3), To = t.AddMilliseconds(count / 2) };
        yield return new LineageQuery { TenantId = tenant, From = t.AddMilliseconds(count - 5) };
        yield return new LineageQuery { TenantId = tenant, To = t.AddMilliseconds(20) };
        yield return new LineageQuery { TenantId = tenant, SessionId = "s-2", Decision = LineageDecision.Deny };
        yield return new LineageQuery { TenantId = tenant, AgentId = "agent-2", Resource = "Table::\"t3\"", From = t.AddMilliseconds(count / 4) };
        yield return new LineageQuery { TenantId = tenant, Resource = "Table::\"t5\"", Decision = LineageDecision.ApprovalRequired };
        yield return new LineageQuery { TenantId = tenant, AfterSequence = count / 2 };
        yield return new LineageQuery { TenantId = tenant, AfterSequence = count / 3, UpToSequence = count / 3 + 40 };
        yield return new LineageQuery { TenantId = tenant, SessionId = "s-1", AfterSequence = count / 2, UpToSequence = count - 3 };
        yield return new LineageQuery { TenantId = tenant, Decision = LineageDecision.Deny, AfterSequence = count - 1 };
        yield return new LineageQuery { TenantId = tenant, AfterSequence = count };
        yield return new LineageQuery { TenantId = tenant, Limit = 7 };
        yield return new LineageQuery { TenantId = tenant, SessionId = "s-4", Limit = 3, AfterSequence = 10 };
    }

    /// <summary>Asserts both logs give the same records (sequence and hash, in order) for every query, page and read.</summary>
    public static async Task AssertSameAnswersAsync(ILineageLog oracle, ILineageLog log, string tenant, IReadOnlyList<LineageRecord> records)
    {
        var count = records.Count;
        foreach (var query in Queries(tenant, count))
        {
            var expected = await Ids(oracle.QueryAsync(query));
            var actual = await Ids(log.QueryAsync(query));
            Assert.True(expected.SequenceEqual(actual), $"{Describe(query)}: expected [{string.Join(",", expected.Select(e => e.Seq))}], got [{string.Join(",", actual.Select(e => e.Seq))}]");

            // The same query paged by its cursor (the last sequence seen) gives the same records, none twice.
            foreach (var pageSize in new[] { 1, 5, 64 })
            {
                var paged = new List<(long, string)>();
                var after = query.AfterSequence;
                while (true)
                {
                    var page = await Ids(log.QueryAsync(query with { AfterSequence = after, Limit = pageSize }));
                    paged.AddRange(page);
                    if (page.Count < pageSize || paged.Count >= query.Limit || paged.Count > count)
                    {
                        break;
                    }

                    after = page[^1].Seq;
                }

                var full = (await Ids(oracle.QueryAsync(query with { Limit = LineageQuery.MaxLimit }))).Take(query.Limit).ToList();
                var got = paged.Take(query.Limit).ToList();
                Assert.True(full.SequenceEqual(got), $"{Describe(query)} paged by {pageSize}: expected [{string.Join(",", full.Select(e => e.Item1))}], got [{string.Join(",", got.Select(e => e.Item1))}]");
            }
        }

        foreach (var from in new long[] { 1, 2, count / 2, count, count + 1 })
        {
            Assert.Equal(await Ids(oracle.ReadAsync(tenant, from)), await Ids(log.ReadAsync(tenant, from)));
        }

        Assert.Equal((await oracle.ReadLastAsync(tenant))?.Hash, (await log.ReadLastAsync(tenant))?.Hash);
        Assert.Equal(await oracle.ReadHeadAsync(tenant), await log.ReadHeadAsync(tenant));
    }

    private static async Task<List<(long Seq, string Hash)>> Ids(IAsyncEnumerable<LineageRecord> records)
    {
        var ids = new List<(long, string)>();
        await foreach (var record in records)
        {
            ids.Add((record.Sequence, record.Hash.ToString()));
        }

        return ids;
    }

    private static string Describe(LineageQuery q) =>
        $"query(session={q.SessionId}, agent={q.AgentId}, resource={q.Resource}, decision={q.Decision}, kind={q.Kind}, from={q.From:O}, to={q.To:O}, after={q.AfterSequence}, upTo={q.UpToSequence}, limit={q.Limit})";
}
