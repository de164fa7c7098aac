using System.Collections.Immutable;
using System.Text;

namespace Warden.Policy.Validation;

/// <summary>The request variables.</summary>
internal enum VVar
{
    /// <summary><c>principal</c></summary>
    Principal,

    /// <summary><c>action</c></summary>
    Action,

    /// <summary><c>resource</c></summary>
    Resource,

    /// <summary><c>context</c></summary>
    Context,
}

/// <summary>A literal value in a policy.</summary>
/// <param name="Bool">Set for a bool literal.</param>
/// <param name="Long">Set for a long literal.</param>
/// <param name="String">Set for a string literal.</param>
/// <param name="Entity">Set for an entity-uid literal.</param>
internal readonly record struct VLiteral(bool? Bool, long? Long, string? String, VEntity? Entity);

/// <summary>An entity uid as the validator sees it.</summary>
/// <param name="Type">Fully qualified entity type.</param>
/// <param name="Id">Entity id.</param>
internal sealed record VEntity(string Type, string Id)
{
    /// <summary>True for an action (the type's last component is <c>Action</c>).</summary>
    public bool IsAction => Values.EntityUid.IsActionType(Type);

    /// <inheritdoc />
    public override string ToString() => $"{Type}::\"{Id}\"";
}

/// <summary>
/// The validator's immutable view of an expression, in the shape of Cedar's core AST (the same desugaring Cedar's
/// parser applies). Besides typing, the validator needs structural identity of expressions: Cedar tracks
/// "<c>e has a</c> is known true" per expression shape, so every node carries a <see cref="ShapeId"/> that is equal
/// exactly when two expressions have the same shape (positions ignored). Nodes are made by a
/// <see cref="VExprFactory"/>, which interns shapes bottom-up so identity costs constant time per node.
/// </summary>
internal sealed class VExpr
{
    internal VExpr(int shapeId, VKind kind, ImmutableArray<VExpr> children, string? name, VLiteral literal, VVar variable, ImmutableArray<string> keys, int line, int column)
    {
        ShapeId = shapeId;
        Kind = kind;
        Children = children;
        Name = name;
        Literal = literal;
        Variable = variable;
        Keys = keys;
        Line = line;
        Column = column;
    }

    /// <summary>Equal for two nodes of one factory exactly when their expressions have the same shape.</summary>
    public int ShapeId { get; }

    /// <summary>The node kind.</summary>
    public VKind Kind { get; }

    /// <summary>Operands in order (receiver first for methods).</summary>
    public ImmutableArray<VExpr> Children { get; }

    /// <summary>Attribute, function, entity type or pattern key, by kind.</summary>
    public string? Name { get; }

    /// <summary>The literal, for <see cref="VKind.Literal"/>.</summary>
    public VLiteral Literal { get; }

    /// <summary>The variable, for <see cref="VKind.Var"/>.</summary>
    public VVar Variable { get; }

    /// <summary>Record attribute names, parallel to <see cref="Children"/>.</summary>
    public ImmutableArray<string> Keys { get; }

    /// <summary>1-based line in the policy text, or 0.</summary>
    public int Line { get; }

    /// <summary>1-based column in the policy text, or 0.</summary>
    public int Column { get; }

    /// <summary>Where the expression is, for messages.</summary>
    public string Where => Line > 0 ? $" at line {Line}, column {Column}" : string.Empty;

    /// <summary>True when this is an entity-uid literal.</summary>
    public bool IsEntityLiteral => Kind == VKind.Literal && Literal.Entity is not null;
}

/// <summary>Makes <see cref="VExpr"/> nodes, interning their shapes. One factory per validation; not thread-safe.</summary>
internal sealed class VExprFactory
{
    private readonly Dictionary<string, int> _shapes = new(StringComparer.Ordinal);

    public VExpr Lit(VLiteral literal, int line = 0, int column = 0) => Make(VKind.Literal, [], null, literal, default, [], line, column);

    public VExpr Bool(bool value, int line = 0, int column = 0) => Lit(new VLiteral(value, null, null, null), line, column);

    public VExpr Long(long value, int line = 0, int column = 0) => Lit(new VLiteral(null, value, null, null), line, column);

    public VExpr String(string value, int line = 0, int column = 0) => Lit(new VLiteral(null, null, value, null), line, column);

    public VExpr Entity(VEntity entity, int line = 0, int column = 0) => Lit(new VLiteral(null, null, null, entity), line, column);

    public VExpr Var(VVar variable, int line = 0, int column = 0) => Make(VKind.Var, [], null, default, variable, [], line, column);

    public VExpr Node(VKind kind, ImmutableArray<VExpr> children, string? name = null, int line = 0, int column = 0) =>
        Make(kind, children, name, default, default, [], line, column);

    public VExpr Record(ImmutableArray<string> keys, ImmutableArray<VExpr> values, int line = 0, int column = 0) =>
        Make(VKind.Record, values, null, default, default, keys, line, column);

    private VExpr Make(VKind kind, ImmutableArray<VExpr> children, string? name, VLiteral literal, VVar variable, ImmutableArray<string> keys, int line, int column)
    {
        // INVARIANT: children are made before their parent, so their shape ids exist; a node's key holds only its
        // own payload and its children's ids, so interning a whole tree is linear in its size.
        var key = new StringBuilder();
        key.Append((int)kind).Append('|');
        Append(key, name);
        if (kind == VKind.Literal)
        {
            if (literal.Bool is { } b)
            {
                key.Append(b ? "b1" : "b0");
            }
            else if (literal.Long is { } l)
            {
                key.Append('l').Append(l);
            }
            else if (literal.String is { } s)
            {
                Append(key.Append('s'), s);
            }
            else if (literal.Entity is { } e)
            {
                Append(key.Append('e'), e.Type);
                Append(key, e.Id);
            }
        }
        else if (kind == VKind.Var)
        {
            key.Append('v').Append((int)variable);
        }

        for (var i = 0; i < children.Length; i++)
        {
            if (!keys.IsDefaultOrEmpty)
            {
                Append(key, keys[i]);
            }

            key.Append('#').Append(children[i].ShapeId);
        }

        var text = key.ToString();
        if (!_shapes.TryGetValue(text, out var id))
        {
            id = _shapes.Count + 1;
            _shapes[text] = id;
        }

        return new VExpr(id, kind, children, name, literal, variable, keys, line, column);
    }

    private static void Append(StringBuilder builder, string? text)
    {
        // Length-prefixed, so no content can imitate a delimiter.
        if (text is null)
        {
            builder.Append('-');
            return;
        }

        builder.Append(text.Length).Append(':').Append(text);
    }
}
