using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Warden.Lineage.Logs;
using Warden.Lineage.Records;

namespace Warden.Lineage.Query;

/// <summary>
/// One session's lineage as a tree, intent → each event (decisions first among them) → the resources touched, for
/// <c>warden lineage SESSION</c>: as text for a terminal (<see cref="RenderText"/>) and as JSON (<see cref="RenderJson"/>).
/// </summary>
public sealed class SessionTree
{
    private SessionTree(string tenantId, string sessionId, string? agentId, LineageIntent? intent, IReadOnlyList<LineageRecord> records)
    {
        TenantId = tenantId;
        SessionId = sessionId;
        AgentId = agentId;
        Intent = intent;
        Records = records;
    }

    /// <summary>The tenant.</summary>
    public string TenantId { get; }

    /// <summary>The session.</summary>
    public string SessionId { get; }

    /// <summary>The agent that owned the session, from its records.</summary>
    public string? AgentId { get; }

    /// <summary>The declared intent, from the first record that carries one (normally the session-opened record).</summary>
    public LineageIntent? Intent { get; }

    /// <summary>The session's records, in sequence order.</summary>
    public IReadOnlyList<LineageRecord> Records { get; }

    /// <summary>Builds the tree from records of one session (any order; sorted by sequence here).</summary>
    /// <exception cref="ArgumentException">The records are empty or belong to more than one tenant or session.</exception>
    public static SessionTree Build(IEnumerable<LineageRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sorted = records.OrderBy(r => r.Sequence).ToList();
        if (sorted.Count == 0)
        {
            throw new ArgumentException("A session tree needs at least one record.", nameof(records));
        }

        var first = sorted[0].Event;
        if (first.SessionId is null)
        {
            throw new ArgumentException("The records carry no session id.", nameof(records));
        }

        foreach (var record in sorted)
        {
            if (!string.Equals(record.Event.TenantId, first.TenantId, StringComparison.Ordinal)
                || !string.Equals(record.Event.SessionId, first.SessionId, StringComparison.Ordinal))
            {
                throw new ArgumentException("All records of a session tree must share one tenant and one session.", nameof(records));
            }
        }

        var agentId = sorted.Select(r => r.Event.AgentId).FirstOrDefault(a => a is not null);
        var intent = sorted.Select(r => r.Event.Intent).FirstOrDefault(i => i is not null);
        return new SessionTree(first.TenantId, first.SessionId, agentId, intent, sorted);
    }

    /// <summary>Loads a session's records from the log (all pages) and builds the tree; null when it has none.</summary>
    public static async Task<SessionTree?> LoadAsync(ILineageLog log, string tenantId, string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var records = new List<LineageRecord>();
        await foreach (var record in ReadAllAsync(log, tenantId, sessionId, cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        return records.Count == 0 ? null : Build(records);
    }

    /// <summary>The tree as text: one line per node, box-drawing branches, control characters escaped.</summary>
    public string RenderText()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"session {Clean(SessionId)} · tenant {Clean(TenantId)}");
        if (AgentId is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" · agent {Clean(AgentId)}");
        }

        text.Append(CultureInfo.InvariantCulture, $" · {Records.Count} records (#{Records[0].Sequence}–#{Records[^1].Sequence})").Append('\n');

        text.Append("└─ intent: ");
        if (Intent is null)
        {
            text.Append("(not recorded)");
        }
        else
        {
            text.Append(Clean(Intent.Task));
            if (Intent.PromptId is not null || Intent.PromptHash is not null)
            {
                text.Append(" · prompt ").Append(Clean(Intent.PromptId ?? "?"));
                if (Intent.PromptHash is not null)
                {
                    text.Append(" (").Append(Clean(Intent.PromptHash)).Append(')');
                }
            }

            if (Intent.OnBehalfOf is not null)
            {
                text.Append(" · on behalf of ").Append(Clean(Intent.OnBehalfOf));
            }
        }

        text.Append('\n');
        for (var i = 0; i < Records.Count; i++)
        {
            var last = i == Records.Count - 1;
            var e = Records[i].Event;
            text.Append("   ").Append(last ? "└─ " : "├─ ");
            text.Append(CultureInfo.InvariantCulture, $"#{Records[i].Sequence} {e.OccurredAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} ");
            text.Append(Headline(e));
            var details = Details(e);
            if (details.Length > 0)
            {
                text.Append("  ").Append(details);
            }

            text.Append('\n');
            if (e.Resource is not null)
            {
                text.Append("   ").Append(last ? "   " : "│  ").Append("└─ resource ").Append(Clean(e.Resource)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The tree as a JSON document (see <see cref="WriteJson"/> for the shape).</summary>
    public string RenderJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.Default }))
        {
            WriteJson(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Writes <c>{ tenantId, sessionId, agentId, intent: {task, promptId, promptHash, onBehalfOf}, events: [ { sequence,
    /// occurredAt, kind, decision, action, resources: [..], decisionId, grantId, requestId, actor, policyIds,
    /// policySetVersion, reasons, contextDigest, redactedContext, revocation, hash } ], resources: [ { resource, allow,
    /// deny, approvalRequired } ] }</c>; absent values are omitted.
    /// </summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("tenantId", TenantId);
        writer.WriteString("sessionId", SessionId);
        WriteOptional(writer, "agentId", AgentId);
        if (Intent is not null)
        {
            writer.WriteStartObject("intent");
            writer.WriteString("task", Intent.Task);
            WriteOptional(writer, "promptId", Intent.PromptId);
            WriteOptional(writer, "promptHash", Intent.PromptHash);
            WriteOptional(writer, "onBehalfOf", Intent.OnBehalfOf);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("events");
        foreach (var record in Records)
        {
            WriteEvent(writer, record);
        }

        writer.WriteEndArray();

        writer.WriteStartArray("resources");
        foreach (var group in Records.Where(r => r.Event.Resource is not null).GroupBy(r => r.Event.Resource!, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            writer.WriteString("resource", group.Key);
            writer.WriteNumber("allow", group.Count(r => r.Event.Decision == LineageDecision.Allow));
            writer.WriteNumber("deny", group.Count(r => r.Event.Decision == LineageDecision.Deny));
            writer.WriteNumber("approvalRequired", group.Count(r => r.Event.Decision == LineageDecision.ApprovalRequired));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static async IAsyncEnumerable<LineageRecord> ReadAllAsync(
        ILineageLog log,
        string tenantId,
        string sessionId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = 0L;
        while (true)
        {
            var count = 0;
            var query = new LineageQuery { TenantId = tenantId, SessionId = sessionId, AfterSequence = after, Limit = LineageQuery.MaxLimit };
            await foreach (var record in log.QueryAsync(query, cancellationToken).ConfigureAwait(false))
            {
                count++;
                after = record.Sequence;
                yield return record;
            }

            if (count < LineageQuery.MaxLimit)
            {
                yield break;
            }
        }
    }

    private static void WriteEvent(Utf8JsonWriter writer, LineageRecord record)
    {
        var e = record.Event;
        writer.WriteStartObject();
        writer.WriteNumber("sequence", record.Sequence);
        writer.WriteString("occurredAt", e.OccurredAt.UtcDateTime);
        writer.WriteString("kind", e.Kind.ToString());
        if (e.Decision != LineageDecision.None)
        {
            writer.WriteString("decision", e.Decision.ToString());
        }

        WriteOptional(writer, "action", e.Action);
        if (e.Resource is not null)
        {
            writer.WriteStartArray("resources");
            writer.WriteStringValue(e.Resource);
            writer.WriteEndArray();
        }

        WriteOptional(writer, "decisionId", e.DecisionId);
        WriteOptional(writer, "grantId", e.GrantId);
        WriteOptional(writer, "requestId", e.RequestId);
        WriteOptional(writer, "actor", e.Actor);
        WriteList(writer, "policyIds", e.PolicyIds);
        if (e.PolicySetVersion != 0)
        {
            writer.WriteNumber("policySetVersion", e.PolicySetVersion);
        }

        WriteList(writer, "reasons", e.Reasons);
        if (e.ContextDigest is { } digest)
        {
            writer.WriteString("contextDigest", digest.ToString());
        }

        if (e.RedactedContext is not null)
        {
            writer.WritePropertyName("redactedContext");
            WriteJsonOrString(writer, e.RedactedContext);
        }

        if (e.Revocation is { } revocation)
        {
            writer.WriteStartObject("revocation");
            writer.WriteString("revokedBy", revocation.RevokedBy);
            writer.WriteString("scope", revocation.Scope.ToString());
            writer.WriteString("targetId", revocation.TargetId);
            writer.WriteString("reason", revocation.Reason);
            writer.WriteString("effectiveAt", revocation.EffectiveAt.UtcDateTime);
            writer.WriteEndObject();
        }

        writer.WriteString("hash", record.Hash.ToString());
        writer.WriteEndObject();
    }

    private static void WriteJsonOrString(Utf8JsonWriter writer, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            // Not JSON (an older or foreign producer): keep it, as a string.
            writer.WriteStringValue(json);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static string Headline(LineageEvent e) => e.Kind switch
    {
        LineageEventKind.Decision => $"{DecisionText(e.Decision)} {Clean(e.Action ?? "?")}",
        LineageEventKind.ApprovalDecided => $"approval decided: {DecisionText(e.Decision)}",
        LineageEventKind.Revocation when e.Revocation is { } r =>
            string.Create(CultureInfo.InvariantCulture, $"REVOKED {r.Scope.ToString().ToLowerInvariant()} {Clean(r.TargetId)} by {Clean(r.RevokedBy)}: {Clean(r.Reason)} (effective {r.EffectiveAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ})"),
        _ => SplitWords(e.Kind.ToString()) + (e.Action is not null && e.Kind != LineageEventKind.Decision ? " " + Clean(e.Action) : string.Empty),
    };

    private static string Details(LineageEvent e)
    {
        var parts = new List<string>();
        if (e.GrantId is not null)
        {
            parts.Add("grant " + Clean(e.GrantId));
        }

        if (e.RequestId is not null)
        {
            parts.Add("request " + Clean(e.RequestId));
        }

        if (e.Actor is not null)
        {
            parts.Add("by " + Clean(e.Actor));
        }

        if (e.PolicyIds.Count > 0)
        {
            parts.Add("policies " + string.Join(", ", e.PolicyIds.Select(Clean)));
        }

        if (e.PolicySetVersion != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"policy set v{e.PolicySetVersion}"));
        }

        if (e.Reasons.Count > 0)
        {
            parts.Add("reasons: " + string.Join("; ", e.Reasons.Select(Clean)));
        }

        return string.Join(" · ", parts);
    }

    private static string DecisionText(LineageDecision decision) => decision switch
    {
        LineageDecision.Allow => "ALLOW",
        LineageDecision.Deny => "DENY",
        LineageDecision.ApprovalRequired => "APPROVAL-REQUIRED",
        _ => "-",
    };

    private static string SplitWords(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]))
            {
                text.Append(' ');
            }

            text.Append(char.ToLowerInvariant(pascal[i]));
        }

        return text.ToString();
    }

    // Agent-supplied text (intent, ids) must not be able to forge tree lines or terminal escapes.
    private static string Clean(string value)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
