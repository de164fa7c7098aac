using System.Collections.Immutable;

namespace Warden.Policy.Schemas;

// The declarations of a schema as written (Cedar or JSON format), before names are resolved. Both readers produce
// these; SchemaBuilder turns them into a Schema.

/// <summary>A possibly qualified name as written (<c>A::B::C</c>).</summary>
/// <param name="Parts">The <c>::</c>-separated identifiers, at least one.</param>
/// <param name="Position">Where it is written.</param>
internal sealed record SchemaName(ImmutableArray<string> Parts, SourcePosition Position)
{
    /// <summary>True when written with a namespace prefix.</summary>
    public bool IsQualified => Parts.Length > 1;

    /// <summary>The last identifier.</summary>
    public string Basename => Parts[^1];

    /// <inheritdoc />
    public override string ToString() => string.Join("::", Parts);
}

/// <summary>What a type reference may resolve to.</summary>
internal enum ReferenceKind
{
    /// <summary>Only a common type (JSON <c>{"type": "T"}</c>, a context written as a name).</summary>
    Common,

    /// <summary>Only an entity type (parents, <c>appliesTo</c>, JSON <c>{"type": "Entity"}</c>).</summary>
    Entity,

    /// <summary>A common type, else an entity type (Cedar format names, JSON <c>EntityOrCommon</c>).</summary>
    CommonOrEntity,
}

/// <summary>A type as written.</summary>
/// <param name="Position">Where it is written.</param>
internal abstract record TypeSyntax(SourcePosition Position);

/// <summary>A reference by name to a common, entity, primitive or extension type.</summary>
internal sealed record NamedTypeSyntax(SchemaName Name, ReferenceKind Kind) : TypeSyntax(Name.Position);

/// <summary>A JSON-format primitive written directly (<c>Long</c>, <c>String</c>, <c>Boolean</c>).</summary>
internal sealed record PrimitiveTypeSyntax(Types.CedarType Type, SourcePosition At) : TypeSyntax(At);

/// <summary>A JSON-format <c>{"type": "Extension", "name": …}</c>.</summary>
internal sealed record ExtensionTypeSyntax(string Name, SourcePosition At) : TypeSyntax(At);

/// <summary><c>Set&lt;T&gt;</c>.</summary>
internal sealed record SetTypeSyntax(TypeSyntax Element, SourcePosition At) : TypeSyntax(At);

/// <summary><c>{ a: T, b?: U }</c>.</summary>
internal sealed record RecordTypeSyntax(ImmutableArray<AttributeSyntax> Attributes, bool AdditionalAttributes, SourcePosition At) : TypeSyntax(At);

/// <summary>One attribute of a record type.</summary>
internal sealed record AttributeSyntax(string Name, TypeSyntax Type, bool Required, ImmutableDictionary<string, string> Annotations, SourcePosition Position);

/// <summary><c>type Name = T;</c></summary>
internal sealed record CommonTypeDeclaration(string Name, TypeSyntax Type, ImmutableDictionary<string, string> Annotations, SourcePosition Position);

/// <summary><c>entity Name in [...] {...} tags T;</c> or <c>entity Name enum [...];</c></summary>
internal sealed record EntityDeclaration(
    string Name,
    ImmutableArray<SchemaName> Parents,
    TypeSyntax? Shape,
    TypeSyntax? Tags,
    ImmutableArray<string>? EnumIds,
    ImmutableDictionary<string, string> Annotations,
    SourcePosition Position);

/// <summary>A reference to an action: <c>"id"</c> (in the current namespace) or <c>Type::"id"</c>.</summary>
internal sealed record ActionReference(SchemaName? Type, string Id, SourcePosition Position);

/// <summary>The <c>appliesTo</c> block of an action.</summary>
internal sealed record AppliesToSyntax(ImmutableArray<SchemaName> Principals, ImmutableArray<SchemaName> Resources, TypeSyntax? Context);

/// <summary><c>action "name" in [...] appliesTo {...};</c></summary>
internal sealed record ActionDeclaration(
    string Name,
    ImmutableArray<ActionReference> Parents,
    AppliesToSyntax? AppliesTo,
    bool DeclaresAttributes,
    ImmutableDictionary<string, string> Annotations,
    SourcePosition Position);

/// <summary>A namespace (or the empty namespace, <see cref="Name"/> null) and its declarations.</summary>
internal sealed record NamespaceDeclaration(
    SchemaName? Name,
    ImmutableArray<EntityDeclaration> EntityTypes,
    ImmutableArray<ActionDeclaration> Actions,
    ImmutableArray<CommonTypeDeclaration> CommonTypes,
    ImmutableDictionary<string, string> Annotations,
    SourcePosition Position);
