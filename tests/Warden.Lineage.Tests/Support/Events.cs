using Warden.Lineage.Records;

namespace Warden.Lineage.Tests.Support;

/// <summary>Builders of lineage events for tests.</summary>
internal static class Events
{
    public static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    public static LineageEvent Decision(
        string tenant,
        int n,
        string session = "s-1",
        string agent = "agent-7",
        LineageDecision decision = LineageDecision.Allow,
        string? resource = null,
        string? redactedContext = null) => new()
        {
            TenantId = tenant,
            Kind = LineageEventKind.Decision,
            OccurredAt = Start.AddMilliseconds(n),
            AgentId = agent,
            SessionId = session,
            Action = "db.query",
            Resource = resource ?? $"Table::\"t{n % 5}\"",
            DecisionId = $"d-{n}",
            Decision = decision,
            Reasons = decision == LineageDecision.Allow ? [] : ["policy forbids it"],
            PolicyIds = ["policy0", "policy3"],
            PolicySetVersion = 7,
            GrantId = "g-1",
            RedactedContext = redactedContext,
        };

    public static LineageEvent SessionOpened(string tenant, string session, string agent, int n) => new()
    {
        TenantId = tenant,
        Kind = LineageEventKind.SessionOpened,
        OccurredAt = Start.AddMilliseconds(n),
        AgentId = agent,
        SessionId = session,
        Intent = new LineageIntent { Task = "Summarize Q3 invoices", PromptId = "p-1", PromptHash = "sha256:ab12", OnBehalfOf = "alice@example.com" },
    };

    /// <summary>An event with every field set, for encoding tests.</summary>
    public static LineageEvent Full() => new()
    {
        TenantId = "acme",
        Kind = LineageEventKind.Revocation,
        OccurredAt = Start.AddTicks(1234567),
        AgentId = "agent-7",
        SessionId = "session-42",
        Intent = new LineageIntent { Task = "Résumé des factures ✓", PromptId = "p-1", PromptHash = "sha256:ab12", OnBehalfOf = "alice@example.com" },
        Action = "email.send",
        Resource = "Mail::Recipient::\"bob@example.com\"",
        DecisionId = "dec-9",
        Decision = LineageDecision.Deny,
        Reasons = ["forbid: no external send after secret", "second reason"],
        PolicyIds = ["p-a", "p-b", "p-c"],
        PolicySetVersion = 123456789012,
        GrantId = "grant-3",
        RequestId = "req-5",
        Actor = "operator:carol",
        ContextDigest = LineageHash.Sha256("context"u8),
        RedactedContext = "{\"to\":\"bob@example.com\",\"token\":\"hmac-sha256:abc\"}",
        Revocation = new LineageRevocation
        {
            RevokedBy = "operator:carol",
            Scope = RevocationScope.Agent,
            TargetId = "agent-7",
            Reason = "exfiltration suspected",
            EffectiveAt = Start.AddSeconds(3),
        },
    };
}
