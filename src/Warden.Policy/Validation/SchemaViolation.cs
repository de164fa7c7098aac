namespace Warden.Policy.Validation;

/// <summary>One way a request or an entity does not conform to a schema.</summary>
/// <param name="Subject">What does not conform: <c>principal</c>, <c>resource</c>, <c>action</c>, <c>context</c>, or an entity uid.</param>
/// <param name="Message">What is wrong, naming the attribute path where there is one.</param>
public sealed record SchemaViolation(string Subject, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Subject}: {Message}";
}
