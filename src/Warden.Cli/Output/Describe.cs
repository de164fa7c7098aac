using Google.Protobuf.WellKnownTypes;
using Warden.Cli.Parsing;
using Warden.Protocol.V1;

namespace Warden.Cli.Output;

/// <summary>Human-readable text for the API's messages.</summary>
internal static class Describe
{
    public static string Time(Timestamp? t) => t is null ? "-" : t.ToDateTimeOffset().ToString("u", System.Globalization.CultureInfo.InvariantCulture);

    public static string Name<TEnum>(TEnum value, string prefix)
        where TEnum : struct, System.Enum
    {
        var text = value.ToString();
        return (text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text).ToUpperInvariant();
    }

    public static void Agent(TextWriter w, Agent a)
    {
        w.WriteLine($"{a.AgentId}\t{Name(a.Status, string.Empty)}\towner={a.Owner}\t{a.DisplayName}");
    }

    public static void AgentDetail(TextWriter w, Agent a)
    {
        w.WriteLine($"agent     {a.AgentId} ({a.DisplayName})");
        w.WriteLine($"tenant    {a.TenantId}");
        w.WriteLine($"owner     {a.Owner}");
        w.WriteLine($"status    {Name(a.Status, string.Empty)}{(string.IsNullOrEmpty(a.StatusReason) ? string.Empty : " — " + a.StatusReason)}");
        foreach (var rule in a.ActionSurface)
        {
            w.WriteLine($"may ask   {ScopeText.Format(rule)}");
        }
    }

    public static void Session(TextWriter w, Session s)
    {
        w.WriteLine($"session   {s.SessionId}");
        w.WriteLine($"agent     {s.AgentId} (tenant {s.TenantId})");
        w.WriteLine($"status    {Name(s.Status, string.Empty)}{(string.IsNullOrEmpty(s.EndReason) ? string.Empty : " — " + s.EndReason)}");
        w.WriteLine($"intent    {s.Intent?.Task}");
        w.WriteLine($"opened    {Time(s.OpenedAt)}");
        w.WriteLine($"expires   {Time(s.ExpiresAt)}");
        foreach (var g in s.Grants)
        {
            Grant(w, g);
        }
    }

    public static void Opened(TextWriter w, OpenSessionResponse o)
    {
        Session(w, o.Session);
        foreach (var r in o.Refused)
        {
            Refusal(w, r);
        }

        foreach (var a in o.PendingApprovals)
        {
            w.WriteLine($"pending   {a.ApprovalId}: {a.Action} on {a.Resource} awaits an operator");
        }
    }

    public static void SessionLine(TextWriter w, Session s) =>
        w.WriteLine($"{s.SessionId}\t{Name(s.Status, string.Empty)}\t{s.AgentId}\texpires {Time(s.ExpiresAt)}\t{s.Intent?.Task}");

    public static void Grant(TextWriter w, Grant g) =>
        w.WriteLine($"grant     {g.GrantId}: {g.Action} on {g.Resource} until {Time(g.ExpiresAt)}{(g.HasUsesLeft ? $", {g.UsesLeft} uses left" : string.Empty)}{(g.Live ? string.Empty : " (ended)")}");

    public static void Refusal(TextWriter w, ScopeRefusal r) =>
        w.WriteLine($"refused   {r.Action} on {r.Resource}: {r.Code} — {r.Message}");

    public static string Reason(Reason r) => string.IsNullOrEmpty(r.Message) ? r.Code : $"{r.Code}: {r.Message}";

    public static void Decision(TextWriter w, EvaluateResponse d)
    {
        w.WriteLine($"{Name(d.Decision, string.Empty)}\t{d.DecisionId}");
        if (!string.IsNullOrEmpty(d.GrantId))
        {
            w.WriteLine($"grant     {d.GrantId}");
        }

        if (d.DeterminingPolicies.Count > 0)
        {
            w.WriteLine($"policies  {string.Join(", ", d.DeterminingPolicies)}");
        }

        foreach (var reason in d.Reasons)
        {
            w.WriteLine($"reason    {Reason(reason)}");
        }

        if (!string.IsNullOrEmpty(d.ApprovalId))
        {
            w.WriteLine($"approval  {d.ApprovalId} (pending: an operator must approve)");
        }
    }

    public static void SessionDetail(TextWriter w, SessionDetail d)
    {
        Session(w, d.Session);
        foreach (var a in d.Session.Approvals)
        {
            Approval(w, a);
        }

        if (d.Session.Facts is { } f)
        {
            w.WriteLine($"facts     {f.Decisions} decisions, {f.Allows} allowed, {f.Denials} denied; actions [{string.Join(", ", f.Actions)}]; labels [{string.Join(", ", f.Labels)}]");
        }

        w.WriteLine("history");
        foreach (var e in d.History)
        {
            var what = e.Decision != Protocol.V1.Decision.Unspecified
                ? $"{Name(e.Decision, string.Empty)} {e.Action} {e.Resource}{(e.Reasons.Count > 0 ? " — " + string.Join("; ", e.Reasons.Select(Reason)) : string.Empty)}"
                : $"{e.Kind} {e.Action} {e.Resource}".TrimEnd();
            w.WriteLine($"  {e.Sequence,4} {Time(e.At)}  {what}");
        }
    }

    public static void Approval(TextWriter w, Approval a) =>
        w.WriteLine($"{a.ApprovalId}\t{Name(a.Status, string.Empty)}\t{Name(a.Kind, string.Empty)}\tsession {a.SessionId}\tagent {a.AgentId}\t{a.Action} on {a.Resource}\t{a.Justification}");

    public static void PolicySet(TextWriter w, PolicySet p)
    {
        w.WriteLine($"tenant {p.TenantId}: policy set version {p.Version}, {p.PolicyIds.Count} policies, published {Time(p.PublishedAt)}");
    }
}
