using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Warden.Policy.Syntax;

namespace Warden.Policy;

/// <summary>
/// A parsed set of static Cedar policies. Policy ids are <c>policy0</c>, <c>policy1</c>… by position in the
/// text (as Cedar's conformance tests number them); <c>@id("…")</c> and other annotations stay available on each policy.
/// </summary>
public sealed class PolicySet
{
    private readonly Dictionary<string, CedarPolicy> _byId;

    /// <summary>Creates a set from already parsed policies; ids must be distinct.</summary>
    /// <param name="policies">The policies.</param>
    public PolicySet(IEnumerable<CedarPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        Policies = [.. policies];
        _byId = new Dictionary<string, CedarPolicy>(Policies.Length, StringComparer.Ordinal);
        foreach (var policy in Policies)
        {
            if (!_byId.TryAdd(policy.Id, policy))
            {
                throw new ArgumentException($"duplicate policy id `{policy.Id}`", nameof(policies));
            }
        }
    }

    /// <summary>The empty policy set (which denies everything).</summary>
    public static PolicySet Empty { get; } = new([]);

    /// <summary>The policies in source order.</summary>
    public ImmutableArray<CedarPolicy> Policies { get; }

    /// <summary>Parses Cedar policy text.</summary>
    /// <param name="text">The policies.</param>
    /// <exception cref="CedarParseException">The text is not valid Cedar; the exception names the line, column and what was expected.</exception>
    public static PolicySet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new PolicySet(Parser.ParsePolicies(text));
    }

    /// <summary>Parses Cedar policy text, reporting failure as a value.</summary>
    /// <param name="text">The policies.</param>
    /// <param name="policySet">The parsed set, when the text is valid.</param>
    /// <param name="error">Where and why parsing failed, when it did.</param>
    public static bool TryParse(string text, [NotNullWhen(true)] out PolicySet? policySet, [NotNullWhen(false)] out CedarParseError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            policySet = Parse(text);
            error = null;
            return true;
        }
        catch (CedarParseException e)
        {
            policySet = null;
            error = e.Error;
            return false;
        }
    }

    /// <summary>Finds a policy by id.</summary>
    /// <param name="id">The policy id.</param>
    /// <param name="policy">The policy, when found.</param>
    public bool TryGetPolicy(string id, [NotNullWhen(true)] out CedarPolicy? policy) => _byId.TryGetValue(id, out policy);

    /// <summary>The policies in Cedar syntax.</summary>
    public override string ToString() => string.Join("\n\n", Policies.Select(p => p.ToString()));
}
