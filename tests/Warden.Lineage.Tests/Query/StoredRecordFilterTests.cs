using System.Text;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;

namespace Warden.Lineage.Tests.Query;

/// <summary>
/// The stored-bytes pre-filter of queries: it may only rule out records the query does not match (a record it drops is
/// missing from every answer), and it must actually rule out the others, or the SQLite log decodes whole groups.
/// </summary>
public sealed class StoredRecordFilterTests
{
    private static readonly string[] Tenants = ["acme", "globex"];
    private static readonly string?[] Sessions = ["s-1", "s-2", null, "sé-✓"];
    private static readonly string?[] Agents = ["agent-7", "agent-8", null];
    private static readonly string?[] Resources = ["Table::\"t0\"", "Table::\"t1\"", null];

    [Fact]
    public void MayMatch_EveryRecordAQueryMatches_IsKept_AndMostOthersAreRuledOut()
    {
        var records = Records().ToList();
        var queries = Queries().ToList();
        var kept = 0;
        var ruledOut = 0;
        var nonMatching = 0;
        foreach (var query in queries)
        {
            var filter = new StoredRecordFilter(query);
            foreach (var (record, bytes) in records)
            {
                var matches = query.Matches(record);
                var may = filter.MayMatch(bytes);
                Assert.True(!matches || may, $"the filter ruled out a matching record: {query} / {record.Sequence} {record.Event.SessionId} {record.Event.AgentId} {record.Event.Resource}");
                if (!matches)
                {
                    nonMatching++;
                    if (may)
                    {
                        kept++;
                    }
                    else
                    {
                        ruledOut++;
                    }
                }
            }
        }

        // Every criterion the filter reads is exact for valid records, so no non-matching record is kept.
        Assert.True(nonMatching > 1000, $"only {nonMatching} non-matching pairs were tried");
        Assert.Equal(0, kept);
        Assert.Equal(nonMatching, ruledOut);
    }

    [Fact]
    public void MayMatch_StringThatIsNotValidUtf8_IsLeftToTheDecoder()
    {
        // A session id whose stored bytes are not UTF-8 (a tampered record) decodes with a replacement character: only
        // the decoded record can say whether a query names it, so the filter keeps it.
        var record = Chain(Events.Decision("acme", 1, session: "s-X"), 1);
        var bytes = LineageRecordSerializer.Serialize(record);
        var at = IndexOf(bytes, "s-X"u8);
        bytes[at + 2] = 0xFF;
        var query = new LineageQuery { TenantId = "acme", SessionId = "s-\uFFFD" };
        var filter = new StoredRecordFilter(query);

        // The decoded tampered record does match the query, so the filter must keep it...
        Assert.True(query.Matches(LineageRecordSerializer.Deserialize(bytes)));
        Assert.True(filter.MayMatch(bytes));

        // ...while the untampered record, with valid UTF-8, is ruled out by its bytes alone.
        Assert.False(filter.MayMatch(LineageRecordSerializer.Serialize(record)));
    }

    [Fact]
    public void MayMatch_MalformedBytes_AreLeftToTheDecoder()
    {
        var filter = new StoredRecordFilter(new LineageQuery { TenantId = "acme", SessionId = "s-1" });
        var valid = LineageRecordSerializer.Serialize(Chain(Events.Decision("acme", 1, session: "s-2"), 1));

        Assert.False(filter.MayMatch(valid));
        Assert.True(filter.MayMatch(valid.AsMemory(0, 12)));
        Assert.True(filter.MayMatch(new byte[] { 0xC1, 0x00 }));
        Assert.True(filter.MayMatch(Array.Empty<byte>()));
    }

    private static IEnumerable<(LineageRecord Record, byte[] Bytes)> Records()
    {
        var n = 0;
        foreach (var tenant in Tenants)
        {
            foreach (var session in Sessions)
            {
                foreach (var agent in Agents)
                {
                    foreach (var resource in Resources)
                    {
                        foreach (var decision in new[] { LineageDecision.Allow, LineageDecision.Deny, LineageDecision.None })
                        {
                            n++;
                            var evt = Events.Decision(tenant, n, decision: decision) with
                            {
                                SessionId = session,
                                AgentId = agent,
                                Resource = resource,
                                Kind = n % 7 == 0 ? LineageEventKind.SessionOpened : LineageEventKind.Decision,
                                Intent = n % 5 == 0 ? new LineageIntent { Task = "task", PromptId = "p", PromptHash = "h", OnBehalfOf = "u" } : null,
                                Step = n % 3 == 0 ? new LineageSessionStep { SessionSequence = n, Labels = ["secret"] } : null,
                            };
                            var record = Chain(evt, n);
                            yield return (record, LineageRecordSerializer.Serialize(record));
                        }
                    }
                }
            }
        }
    }

    private static IEnumerable<LineageQuery> Queries()
    {
        foreach (var tenant in Tenants)
        {
            yield return new LineageQuery { TenantId = tenant };
            yield return new LineageQuery { TenantId = tenant, AfterSequence = 40, UpToSequence = 120 };
            yield return new LineageQuery { TenantId = tenant, From = Events.Start.AddMilliseconds(30), To = Events.Start.AddMilliseconds(90) };
            yield return new LineageQuery { TenantId = tenant, Kind = LineageEventKind.SessionOpened };
            foreach (var decision in new[] { LineageDecision.Allow, LineageDecision.Deny, LineageDecision.ApprovalRequired })
            {
                yield return new LineageQuery { TenantId = tenant, Decision = decision };
            }

            foreach (var session in Sessions.OfType<string>().Append("s-none"))
            {
                yield return new LineageQuery { TenantId = tenant, SessionId = session };
                yield return new LineageQuery { TenantId = tenant, SessionId = session, AgentId = "agent-7", Decision = LineageDecision.Deny };
            }

            foreach (var agent in Agents.OfType<string>())
            {
                yield return new LineageQuery { TenantId = tenant, AgentId = agent, AfterSequence = 100 };
            }

            foreach (var resource in Resources.OfType<string>())
            {
                yield return new LineageQuery { TenantId = tenant, Resource = resource, From = Events.Start.AddMilliseconds(50) };
            }
        }
    }

    private static LineageRecord Chain(LineageEvent evt, long sequence) => new()
    {
        Sequence = sequence,
        Event = evt,
        PreviousHash = LineageHash.Zero,
        Hash = LineageRecordSerializer.ComputeHash(sequence, evt, LineageHash.Zero),
    };

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> value)
    {
        var at = bytes.AsSpan().IndexOf(value);
        Assert.True(at >= 0, $"'{Encoding.UTF8.GetString(value)}' is not in the record's bytes");
        return at;
    }
}
