using Warden.Policy.Tests.Differential.Generation;

namespace Warden.Policy.Tests.Differential;

/// <summary>
/// Shrinks a disagreeing case greedily: drop requests, policies, entities, attributes, parents, tags, context
/// entries, annotations, scope constraints and conditions, replace expressions by their parts, and cut raw text,
/// keeping each step only while the engines still disagree. The result is the repro printed in a failure.
/// </summary>
internal static class Shrinker
{
    // Each step costs one oracle round trip (about a millisecond); this bounds a pathological case.
    private const int MaxChecks = 4000;

    /// <summary>The smallest disagreeing case found from <paramref name="failing"/>.</summary>
    public static Disagreement Shrink(Disagreement failing, Func<DiffCase, Disagreement?> check)
    {
        var current = failing;
        var checks = 0;
        var progress = true;
        while (progress && checks < MaxChecks)
        {
            progress = false;
            var size = Size(current.Case);
            foreach (var candidate in Candidates(current.Case, current.Request))
            {
                // Only strictly smaller cases count, so shrinking cannot go round in circles.
                if (Size(candidate) >= size)
                {
                    continue;
                }

                if (++checks > MaxChecks)
                {
                    break;
                }

                if (check(candidate) is { } smaller)
                {
                    current = smaller;
                    progress = true;
                    break;
                }
            }
        }

        return current;
    }

    private static int Size(DiffCase c) => c.Describe().Length;

    // Cheap, structural cuts first; cutting raw text character by character comes last.
    private static IEnumerable<DiffCase> Candidates(DiffCase c, int request)
    {
        if (c.Requests.Count > 1)
        {
            yield return c with { Requests = [c.Requests[request]] };
        }

        // Often the policies do not matter at all (the entities or the request are the problem).
        // (Compared as text: the records hold lists, which compare by reference.)
        var trivial = new GenPolicy([], true, "principal", "action", "resource", []);
        if (c.PolicyText != trivial.ToString())
        {
            yield return c with { Policies = [trivial], RawPolicies = null };
        }

        for (var i = 0; i < c.Policies.Count && c.RawPolicies is null; i++)
        {
            yield return c with { Policies = Without(c.Policies, i) };
        }

        for (var i = 0; i < c.Entities.Count; i++)
        {
            yield return c with { Entities = Without(c.Entities, i) };
        }

        for (var i = 0; c.Schema is not null && i < c.Schema.Count; i++)
        {
            yield return c with { Schema = Without(c.Schema, i) };
        }

        for (var e = 0; e < c.Entities.Count; e++)
        {
            foreach (var entity in Candidates(c.Entities[e]))
            {
                yield return c with { Entities = Replace(c.Entities, e, entity) };
            }
        }

        for (var r = 0; r < c.Requests.Count; r++)
        {
            var req = c.Requests[r];
            for (var k = 0; k < req.Context.Count; k++)
            {
                yield return c with { Requests = Replace(c.Requests, r, req with { Context = Without(req.Context, k) }) };
            }
        }

        for (var p = 0; p < c.Policies.Count && c.RawPolicies is null; p++)
        {
            foreach (var policy in Candidates(c.Policies[p]))
            {
                yield return c with { Policies = Replace(c.Policies, p, policy) };
            }
        }

        if (c.RawPolicies is { } text)
        {
            foreach (var shorter in ShorterTexts(text))
            {
                yield return c with { RawPolicies = shorter };
            }
        }
    }

    private static IEnumerable<GenPolicy> Candidates(GenPolicy p)
    {
        for (var i = 0; i < p.Conditions.Count; i++)
        {
            yield return p with { Conditions = Without(p.Conditions, i) };
        }

        for (var i = 0; i < p.Annotations.Count; i++)
        {
            yield return p with { Annotations = Without(p.Annotations, i) };
        }

        if (p.Principal != "principal")
        {
            yield return p with { Principal = "principal" };
        }

        if (p.Action != "action")
        {
            yield return p with { Action = "action" };
        }

        if (p.Resource != "resource")
        {
            yield return p with { Resource = "resource" };
        }

        if (!p.Permit)
        {
            yield return p with { Permit = true };
        }

        for (var i = 0; i < p.Conditions.Count; i++)
        {
            if (!p.Conditions[i].When)
            {
                yield return p with { Conditions = Replace(p.Conditions, i, p.Conditions[i] with { When = true, Body = new UnaryExpr("!", p.Conditions[i].Body) }) };
            }

            foreach (var body in Candidates(p.Conditions[i].Body))
            {
                yield return p with { Conditions = Replace(p.Conditions, i, p.Conditions[i] with { Body = body }) };
            }
        }
    }

    private static IEnumerable<GenExpr> Candidates(GenExpr e)
    {
        foreach (var kid in e.Kids)
        {
            yield return kid;
        }

        if (e is not AtomExpr)
        {
            yield return new AtomExpr("true");
            yield return new AtomExpr("false");
            yield return new AtomExpr("1");
        }

        if (e.Paren)
        {
            yield return e with { Paren = false };
        }

        switch (e)
        {
            case SetExpr set:
                for (var i = 0; i < set.Items.Length; i++)
                {
                    yield return set with { Items = [.. Without(set.Items, i)] };
                }

                break;
            case RecordExpr record:
                for (var i = 0; i < record.Keys.Length; i++)
                {
                    yield return record with { Keys = [.. Without(record.Keys, i)], Values = [.. Without(record.Values, i)] };
                }

                break;
            case IsExpr { In: not null } isIn:
                yield return isIn with { In = null };
                break;
        }

        var kids = e.Kids;
        for (var i = 0; i < kids.Count; i++)
        {
            foreach (var smaller in Candidates(kids[i]))
            {
                yield return e.WithKids(Replace(kids, i, smaller));
            }
        }
    }

    private static IEnumerable<GenEntity> Candidates(GenEntity e)
    {
        if (e.Tags is not null)
        {
            yield return e with { Tags = null };
            for (var i = 0; i < e.Tags.Count; i++)
            {
                yield return e with { Tags = Without(e.Tags, i) };
            }
        }

        for (var i = 0; i < e.Parents.Count; i++)
        {
            yield return e with { Parents = Without(e.Parents, i) };
        }

        for (var i = 0; i < e.Attrs.Count; i++)
        {
            yield return e with { Attrs = Without(e.Attrs, i) };
        }
    }

    /// <summary>The text with chunks cut out, biggest chunks first (delta debugging's coarse-to-fine pass).</summary>
    private static IEnumerable<string> ShorterTexts(string text)
    {
        for (var chunk = Math.Max(1, text.Length / 2); chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start + chunk <= text.Length; start += chunk)
            {
                // Never split a surrogate pair: a lone surrogate reaches the two engines as different text.
                if (char.IsLowSurrogate(text[start]) || (start + chunk < text.Length && char.IsLowSurrogate(text[start + chunk])))
                {
                    continue;
                }

                yield return string.Concat(text.AsSpan(0, start), text.AsSpan(start + chunk));
            }

            if (chunk == 1)
            {
                yield break;
            }
        }
    }

    private static T[] Without<T>(IReadOnlyList<T> items, int index) => [.. items.Take(index), .. items.Skip(index + 1)];

    private static T[] Replace<T>(IReadOnlyList<T> items, int index, T item)
    {
        var copy = items.ToArray();
        copy[index] = item;
        return copy;
    }
}
