using System.Text.Json;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Memory;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;

namespace Warden.Lineage.Tests.Query;

public sealed class SessionTreeTests
{
    private static async Task<(InMemoryLineageLog Log, SessionTree Tree)> SessionAsync()
    {
        var log = new InMemoryLineageLog();
        await using (var writer = new LineageWriter(log))
        {
            await writer.AppendAsync(Events.SessionOpened("acme", "s-1", "agent-7", 0));
            await writer.AppendAsync(Events.Decision("acme", 1, session: "other"));
            await writer.AppendAsync(Events.Decision("acme", 2, resource: "Table::\"invoices\""));
            await writer.AppendAsync(Events.Decision("acme", 3, decision: LineageDecision.Deny, resource: "Email::\"x@evil.example\"") with { Action = "email.send" });
            await writer.AppendAsync(new LineageEvent
            {
                TenantId = "acme",
                Kind = LineageEventKind.SessionClosed,
                OccurredAt = Events.Start.AddSeconds(5),
                AgentId = "agent-7",
                SessionId = "s-1",
                Reasons = ["task done"],
            });
        }

        return (log, (await SessionTree.LoadAsync(log, "acme", "s-1"))!);
    }

    [Fact]
    public async Task RenderText_Session_ShowsIntentThenEachEventThenItsResource()
    {
        var (_, tree) = await SessionAsync();

        var lines = tree.RenderText().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(8, lines.Length);
        Assert.StartsWith("session s-1 · tenant acme · agent agent-7 · 4 records (#1–#5)", lines[0], StringComparison.Ordinal);
        Assert.Equal("└─ intent: Summarize Q3 invoices · prompt p-1 (sha256:ab12) · on behalf of alice@example.com", lines[1]);
        Assert.Contains("#1 2026-11-29T10:00:00.000Z session opened", lines[2], StringComparison.Ordinal);
        Assert.Contains("#3 ", lines[3], StringComparison.Ordinal);
        Assert.Contains("ALLOW db.query  grant g-1 · policies policy0, policy3 · policy set v7", lines[3], StringComparison.Ordinal);
        Assert.Equal("   │  └─ resource Table::\"invoices\"", lines[4]);
        Assert.Contains("DENY email.send", lines[5], StringComparison.Ordinal);
        Assert.Contains("reasons: policy forbids it", lines[5], StringComparison.Ordinal);
        Assert.Equal("   │  └─ resource Email::\"x@evil.example\"", lines[6]);
        Assert.StartsWith("   └─ #5 ", lines[7], StringComparison.Ordinal);
        Assert.Contains("session closed  reasons: task done", lines[7], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderJson_Session_HasIntentEventsAndResourceSummary()
    {
        var (_, tree) = await SessionAsync();

        using var json = JsonDocument.Parse(tree.RenderJson());
        var root = json.RootElement;

        Assert.Equal("s-1", root.GetProperty("sessionId").GetString());
        Assert.Equal("Summarize Q3 invoices", root.GetProperty("intent").GetProperty("task").GetString());
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal([1L, 3, 4, 5], events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal("Deny", events[2].GetProperty("decision").GetString());
        Assert.Equal("Email::\"x@evil.example\"", events[2].GetProperty("resources")[0].GetString());
        Assert.Equal(64, events[2].GetProperty("hash").GetString()!.Length);
        var resources = root.GetProperty("resources").EnumerateArray().ToList();
        Assert.Equal(2, resources.Count);
        Assert.Equal(1, resources.Single(r => r.GetProperty("resource").GetString() == "Table::\"invoices\"").GetProperty("allow").GetInt32());
    }

    [Fact]
    public void RenderText_ControlCharactersInAgentText_AreEscapedNotPrinted()
    {
        var evt = Events.SessionOpened("acme", "s-1", "agent-7", 0) with
        {
            Intent = new LineageIntent { Task = "innocent\n   ├─ #9 ALLOW everything\u001b[2J" },
        };
        var record = new LineageRecord { Sequence = 1, Event = evt, PreviousHash = LineageHash.Zero, Hash = LineageHash.Zero };

        var text = SessionTree.Build([record]).RenderText();

        Assert.Equal(3, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("innocent\\u000a", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text);
    }

    [Fact]
    public async Task LoadAsync_UnknownSession_ReturnsNull()
    {
        var (log, _) = await SessionAsync();

        Assert.Null(await SessionTree.LoadAsync(log, "acme", "nope"));
    }

    [Fact]
    public void Build_RecordsOfTwoSessions_ThrowsArgumentException()
    {
        var a = new LineageRecord { Sequence = 1, Event = Events.Decision("acme", 1, session: "a"), PreviousHash = LineageHash.Zero, Hash = LineageHash.Zero };
        var b = a with { Sequence = 2, Event = Events.Decision("acme", 2, session: "b") };

        Assert.Throws<ArgumentException>(() => SessionTree.Build([a, b]));
    }
}
