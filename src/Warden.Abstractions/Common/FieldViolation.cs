namespace Warden;

/// <summary>One problem with one field of a request (maps onto <c>google.rpc.BadRequest.FieldViolation</c>).</summary>
/// <param name="Field">
/// The field path in snake_case as the protos spell it, with list indexes: <c>intent.task</c>,
/// <c>requested_scope[2].resource</c>.
/// </param>
/// <param name="Description">What is wrong, readable by a person.</param>
[GenerateSerializer, Immutable, Alias("warden.FieldViolation")]
public sealed record FieldViolation([property: Id(0)] string Field, [property: Id(1)] string Description);
