using System.Collections.Immutable;

namespace Warden;

/// <summary>Why a grain call did not succeed. A caller or state failure, never a deny (a deny is a decision).</summary>
/// <param name="Status">The kind of failure; the edge maps it onto a gRPC status code.</param>
/// <param name="Message">A readable message; never contains a credential or a tool argument.</param>
/// <param name="Violations">For <see cref="CallStatus.InvalidArgument"/>: every offending field; otherwise empty.</param>
[GenerateSerializer, Immutable, Alias("warden.CallError")]
public sealed record CallError(
    [property: Id(0)] CallStatus Status,
    [property: Id(1)] string Message,
    [property: Id(2)] ImmutableArray<FieldViolation> Violations)
{
    /// <summary>A malformed request with one offending field.</summary>
    /// <param name="field">The field path (snake_case, see <see cref="FieldViolation.Field"/>).</param>
    /// <param name="description">What is wrong with it.</param>
    public static CallError InvalidArgument(string field, string description) =>
        new(CallStatus.InvalidArgument, $"{field}: {description}", [new FieldViolation(field, description)]);

    /// <summary>A malformed request with several offending fields.</summary>
    /// <param name="violations">At least one violation.</param>
    public static CallError InvalidArgument(IReadOnlyCollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var message = string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
        return new(CallStatus.InvalidArgument, message, [.. violations]);
    }

    /// <summary>The addressed object does not exist.</summary>
    /// <param name="message">What was not found.</param>
    public static CallError NotFound(string message) => new(CallStatus.NotFound, message, []);

    /// <summary>The object to create exists already.</summary>
    /// <param name="message">What exists.</param>
    public static CallError AlreadyExists(string message) => new(CallStatus.AlreadyExists, message, []);

    /// <summary>The caller may not touch this object.</summary>
    /// <param name="message">Why, without revealing the other party's data.</param>
    public static CallError PermissionDenied(string message) => new(CallStatus.PermissionDenied, message, []);

    /// <summary>The object's state refuses the call.</summary>
    /// <param name="message">Which state, and why it refuses.</param>
    public static CallError FailedPrecondition(string message) => new(CallStatus.FailedPrecondition, message, []);

    /// <summary>The credential is not valid.</summary>
    /// <param name="message">A message that does not reveal which part was wrong.</param>
    public static CallError Unauthenticated(string message) => new(CallStatus.Unauthenticated, message, []);
}
