using System.Collections.Immutable;

namespace Warden.Policy.Validation;

/// <summary>
/// Knowledge that makes an access safe: "expression <see cref="Target"/> has attribute <see cref="Attribute"/>" or
/// "has the tag named by expression <see cref="Tag"/>", learnt from a <c>has</c> or <c>hasTag</c> that must have been
/// true for evaluation to reach here. Expressions are identified by shape.
/// </summary>
/// <param name="Target">Shape id of the entity or record expression.</param>
/// <param name="Attribute">The attribute, for an attribute capability.</param>
/// <param name="Tag">Shape id of the tag-name expression, for a tag capability (0 otherwise).</param>
internal readonly record struct Capability(int Target, string? Attribute, int Tag)
{
    public static Capability ForAttribute(VExpr target, string attribute) => new(target.ShapeId, attribute, 0);

    public static Capability ForTag(VExpr target, VExpr tag) => new(target.ShapeId, null, tag.ShapeId);
}

/// <summary>Immutable sets of capabilities.</summary>
internal static class Capabilities
{
    public static readonly ImmutableHashSet<Capability> None = [];

    public static ImmutableHashSet<Capability> Union(ImmutableHashSet<Capability> a, ImmutableHashSet<Capability> b) =>
        a.IsEmpty ? b : b.IsEmpty ? a : a.Union(b);

    public static ImmutableHashSet<Capability> Intersect(ImmutableHashSet<Capability> a, ImmutableHashSet<Capability> b) =>
        a.IsEmpty || b.IsEmpty ? None : a.Intersect(b);
}
