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

    public static void SessionLine(TextWriter w, Session s) =>
        w.WriteLine($"{s.SessionId}\t{Name(s.Status, string.Empty)}\t{s.AgentId}\texpires {Time(s.ExpiresAt)}\t{s.Intent?.Task}");

    public static void Grant(TextWriter w, Grant g) =>
        w.WriteLine($"grant     {g.GrantId}: {(g.Scope is null ? "-" : ScopeText.Format(g.Scope))} until {Time(g.ExpiresAt)}{(g.HasUsesLeft ? $", {g.UsesLeft} uses left" : string.Empty)}");

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
            w.WriteLine($"reason    {reason}");
        }
    }

    public static void SessionDetail(TextWriter w, SessionDetail d)
    {
        Session(w, d.Session);
        if (d.Grants.Count > 0 && d.Session.Grants.Count == 0)
        {
            foreach (var g in d.Grants)
            {
                Grant(w, g);
            }
        }

        w.WriteLine("history");
        foreach (var e in d.History)
        {
            var what = e.Kind == "decision"
                ? $"{Name(e.Decision, string.Empty)} {e.Action} {e.Resource}{(e.Reasons.Count > 0 ? " — " + string.Join("; ", e.Reasons) : string.Empty)}"
                : e.Kind;
            w.WriteLine($"  {e.Sequence,4} {Time(e.At)}  {what}");
        }

        foreach (var r in d.GrantRequests)
        {
            GrantRequest(w, r);
        }
    }

    public static void GrantRequest(TextWriter w, GrantRequest r) =>
        w.WriteLine($"{r.RequestId}\t{Name(r.Status, string.Empty)}\tsession {r.SessionId}\tagent {r.AgentId}\t{(r.Scope is null ? "-" : ScopeText.Format(r.Scope))}\t{r.Justification}");

    public static void PolicySet(TextWriter w, PolicySet p)
    {
        w.WriteLine($"tenant {p.TenantId}: policy set version {p.Version}, {p.PolicyIds.Count} policies, published {Time(p.PublishedAt)}");
    }
}
