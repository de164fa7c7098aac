using System.Collections.Immutable;
using Warden.Policy.Types;

namespace Warden.Policy.Schemas;

/// <summary>An action a schema declares, with every name fully qualified and every common type inlined.</summary>
public sealed class SchemaAction
{
    internal SchemaAction(
        string type,
        string id,
        ImmutableArray<(string Type, string Id)> memberOf,
        ImmutableArray<string> principalTypes,
        ImmutableArray<string> resourceTypes,
        RecordType context,
        bool declaresAppliesTo,
        ImmutableDictionary<string, string> annotations,
        ImmutableHashSet<(string Type, string Id)> descendants,
        ImmutableHashSet<(string Type, string Id)> ancestors)
    {
        Descendants = descendants;
        Ancestors = ancestors;
        Type = type;
        Id = id;
        MemberOf = memberOf;
        PrincipalTypes = principalTypes;
        ResourceTypes = resourceTypes;
        Context = context;
        DeclaresAppliesTo = declaresAppliesTo;
        Annotations = annotations;
        Shape = new ActionShape(type, id, memberOf, principalTypes, resourceTypes, context);
    }

    /// <summary>The action's entity type: <c>Action</c> or <c>NS::Action</c>.</summary>
    public string Type { get; }

    /// <summary>The action id.</summary>
    public string Id { get; }

    /// <summary>Action groups this action is directly declared <c>in</c>.</summary>
    public ImmutableArray<(string Type, string Id)> MemberOf { get; }

    /// <summary>Principal entity types from <c>appliesTo</c> (empty when the action applies to nothing).</summary>
    public ImmutableArray<string> PrincipalTypes { get; }

    /// <summary>Resource entity types from <c>appliesTo</c> (empty when the action applies to nothing).</summary>
    public ImmutableArray<string> ResourceTypes { get; }

    /// <summary>The context record type (the empty record when not declared).</summary>
    public RecordType Context { get; }

    /// <summary>False when the declaration has no <c>appliesTo</c> (the action then applies to no request).</summary>
    public bool DeclaresAppliesTo { get; }

    /// <summary>Annotations written on the declaration.</summary>
    public ImmutableDictionary<string, string> Annotations { get; }

    /// <summary>Every action that is (transitively) in this one, excluding itself; the hierarchy is acyclic.</summary>
    public ImmutableHashSet<(string Type, string Id)> Descendants { get; }

    /// <summary>Every action group this action is (transitively) in, excluding itself.</summary>
    public ImmutableHashSet<(string Type, string Id)> Ancestors { get; }

    /// <summary>The shape schema-directed parsing needs.</summary>
    public ActionShape Shape { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Type}::\"{Id}\"";
}
