namespace Warden.Policy.Validation;

/// <summary>What kind of problem strict validation found.</summary>
public enum ValidationErrorKind
{
    /// <summary>An entity type the schema does not declare.</summary>
    UnrecognizedEntityType,

    /// <summary>An action the schema does not declare.</summary>
    UnrecognizedActionId,

    /// <summary>An entity of an enumerated type with an id the schema does not list.</summary>
    InvalidEnumEntity,

    /// <summary>The scope admits no (principal, action, resource) combination the schema allows.</summary>
    InvalidActionApplication,

    /// <summary>An operand of the wrong type (<c>1 &amp;&amp; true</c>, <c>principal.name &gt; 2</c>).</summary>
    UnexpectedType,

    /// <summary>Operands whose types have no common type in strict mode (<c>[1, "a"]</c>, <c>1 == "a" + …</c>).</summary>
    IncompatibleTypes,

    /// <summary>An attribute the type does not declare.</summary>
    UnsafeAttributeAccess,

    /// <summary>An optional attribute read without a <c>has</c> guard.</summary>
    UnsafeOptionalAttributeAccess,

    /// <summary>A tag read without a <c>hasTag</c> guard.</summary>
    UnsafeTagAccess,

    /// <summary>A tag read on entity types that declare no tags.</summary>
    NoTagsAllowed,

    /// <summary>An empty set literal (its element type is unknown in strict mode).</summary>
    EmptySetForbidden,

    /// <summary>An extension constructor (<c>ip</c>, <c>decimal</c>, <c>datetime</c>, <c>duration</c>) called on a non-literal.</summary>
    NonLiteralExtensionConstructor,

    /// <summary>An extension constructor's literal argument does not parse.</summary>
    InvalidExtensionArgument,

    /// <summary>A function that does not exist.</summary>
    UndefinedFunction,

    /// <summary>A function called with the wrong number of arguments.</summary>
    WrongNumberOfArguments,

    /// <summary>The policy or schema exceeds the validator's limits (nesting, request environments).</summary>
    TooComplex,
}

/// <summary>One reason a policy fails strict validation.</summary>
/// <param name="PolicyId">The policy's id.</param>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Message">What is wrong, in words.</param>
/// <param name="Line">1-based line in the policy text, or 0 when unknown.</param>
/// <param name="Column">1-based column in the policy text, or 0 when unknown.</param>
public sealed record ValidationError(string PolicyId, ValidationErrorKind Kind, string Message, int Line = 0, int Column = 0)
{
    /// <inheritdoc />
    public override string ToString() =>
        Line > 0 ? $"{PolicyId}: {Message} (line {Line}, column {Column})" : $"{PolicyId}: {Message}";
}

/// <summary>Something suspicious that does not fail validation.</summary>
/// <param name="PolicyId">The policy's id.</param>
/// <param name="Message">What is suspicious.</param>
public sealed record ValidationWarning(string PolicyId, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{PolicyId}: {Message}";
}
