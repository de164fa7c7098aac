namespace Warden.Policy.Validation;

/// <summary>Node kinds of the validator's view of an expression: Cedar's core AST.</summary>
internal enum VKind
{
    /// <summary>A bool, long, string or entity-uid literal.</summary>
    Literal,

    /// <summary>principal, action, resource or context.</summary>
    Var,

    /// <summary>if-then-else (three children).</summary>
    If,

    /// <summary><c>&amp;&amp;</c>.</summary>
    And,

    /// <summary><c>||</c>.</summary>
    Or,

    /// <summary><c>!</c>.</summary>
    Not,

    /// <summary>Unary minus.</summary>
    Neg,

    /// <summary><c>.isEmpty()</c>.</summary>
    IsEmpty,

    /// <summary><c>==</c>.</summary>
    Eq,

    /// <summary><c>&lt;</c>.</summary>
    Less,

    /// <summary><c>&lt;=</c>.</summary>
    LessEq,

    /// <summary><c>+</c>.</summary>
    Add,

    /// <summary>Binary <c>-</c>.</summary>
    Sub,

    /// <summary><c>*</c>.</summary>
    Mul,

    /// <summary>Hierarchy <c>in</c>.</summary>
    In,

    /// <summary><c>.contains</c>.</summary>
    Contains,

    /// <summary><c>.containsAll</c>.</summary>
    ContainsAll,

    /// <summary><c>.containsAny</c>.</summary>
    ContainsAny,

    /// <summary><c>.getTag</c>.</summary>
    GetTag,

    /// <summary><c>.hasTag</c>.</summary>
    HasTag,

    /// <summary>Extension function or method call; <see cref="VExpr.Name"/> is the function.</summary>
    Call,

    /// <summary>Attribute access; <see cref="VExpr.Name"/> is the attribute.</summary>
    GetAttr,

    /// <summary><c>has</c>; <see cref="VExpr.Name"/> is the attribute.</summary>
    HasAttr,

    /// <summary><c>like</c>; <see cref="VExpr.Name"/> is a canonical rendering of the pattern.</summary>
    Like,

    /// <summary><c>is</c>; <see cref="VExpr.Name"/> is the entity type.</summary>
    Is,

    /// <summary>Set literal.</summary>
    Set,

    /// <summary>Record literal; <see cref="VExpr.Keys"/> name the children.</summary>
    Record,
}
