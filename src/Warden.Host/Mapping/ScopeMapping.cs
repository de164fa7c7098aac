using System.Collections.Immutable;
using Warden.Host.Validation;
using Warden.Protocol.V1;
using Warden.Scopes;

namespace Warden.Host.Mapping;

/// <summary>
/// Turns the proto's action × resource rules into the grains' one-pair entries, checking each action and pattern
/// with the proto's field paths (<c>requested_scope[1].resources[0]</c>) so errors name what the caller sent.
/// </summary>
internal static class ScopeMapping
{
    /// <summary>Requested scope entries (with use limits).</summary>
    public static ImmutableArray<ScopeRequest> ToRequests(IReadOnlyList<ScopeRule> rules, string field, RequestCheck check)
    {
        var builder = ImmutableArray.CreateBuilder<ScopeRequest>();
        Expand(rules, field, check, allowAnyAction: false, (action, resource, rule) =>
            builder.Add(new ScopeRequest(action, resource, rule.MaxUses > 0 ? rule.MaxUses : null)));
        return builder.ToImmutable();
    }

    /// <summary>A declared action surface (the action wildcard <c>*</c> is allowed here).</summary>
    public static ImmutableArray<ScopeEntry> ToSurface(IReadOnlyList<ScopeRule> rules, string field, RequestCheck check)
    {
        var builder = ImmutableArray.CreateBuilder<ScopeEntry>();
        Expand(rules, field, check, allowAnyAction: true, (action, resource, _) => builder.Add(new ScopeEntry(action, resource)));
        return builder.ToImmutable();
    }

    /// <summary>Groups one-pair entries back into rules (one rule per action, resources in order).</summary>
    public static IEnumerable<ScopeRule> ToRules(IEnumerable<ScopeEntry> entries) =>
        entries.GroupBy(e => e.Action, StringComparer.Ordinal)
            .Select(g => new ScopeRule { Actions = { g.Key }, Resources = { g.Select(e => e.Resource) } });

    private static void Expand(IReadOnlyList<ScopeRule> rules, string field, RequestCheck check, bool allowAnyAction, Action<string, string, ScopeRule> add)
    {
        var pairs = 0;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var at = $"{field}[{i}]";
            if (rule.Actions.Count == 0)
            {
                check.Add(at + ".actions", "at least one action is required");
            }

            if (rule.Resources.Count == 0)
            {
                check.Add(at + ".resources", "at least one resource pattern is required");
            }

            if (rule.MaxUses < 0)
            {
                check.Add(at + ".max_uses", "must not be negative");
            }

            for (var a = 0; a < rule.Actions.Count; a++)
            {
                var action = rule.Actions[a];
                if (!(ActionNames.IsValid(action) || (allowAnyAction && action == ActionNames.Any)))
                {
                    check.Add($"{at}.actions[{a}]", $"an action name: 1-{WardenLimits.MaxActionLength} characters of [A-Za-z0-9_.:/-]{(allowAnyAction ? ", or *" : string.Empty)}");
                }
            }

            for (var r = 0; r < rule.Resources.Count; r++)
            {
                if (!ResourcePattern.TryParse(rule.Resources[r], out _, out var error))
                {
                    check.Add($"{at}.resources[{r}]", error);
                }
            }

            pairs += rule.Actions.Count * rule.Resources.Count;
            if (pairs > WardenLimits.MaxScopeEntries)
            {
                check.Add(field, $"at most {WardenLimits.MaxScopeEntries} action × resource pairs in all");
                return;
            }

            foreach (var action in rule.Actions)
            {
                foreach (var resource in rule.Resources)
                {
                    add(action, resource, rule);
                }
            }
        }
    }
}
