using System.Diagnostics.CodeAnalysis;

namespace Warden;

/// <summary>
/// The result of a grain call: a value, or a <see cref="CallError"/> saying why there is none. Grains return
/// outcomes instead of throwing so the edge can map each failure to its gRPC status without guessing; an
/// exception from a grain therefore always means an unexpected fault (the edge maps it to <c>Internal</c> or,
/// for a decision, to a deny).
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Value">The value when <see cref="Error"/> is null.</param>
/// <param name="Error">Why the call failed; null on success.</param>
[GenerateSerializer, Immutable, Alias("warden.Outcome`1")]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] CallError? Error)
{
    /// <summary>True when the call succeeded and <see cref="Value"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsOk => Error is null;

    /// <summary>The call's status: <see cref="CallStatus.Ok"/> or the error's.</summary>
    public CallStatus Status => Error?.Status ?? CallStatus.Ok;

    /// <summary>A successful outcome.</summary>
    /// <param name="value">The value.</param>
    public static Outcome<T> Ok(T value) => new(value, null);

    /// <summary>A failed outcome.</summary>
    /// <param name="error">Why.</param>
    public static Outcome<T> Fail(CallError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Wraps a value as a successful outcome.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Outcome<T>(T value) => Ok(value);

    /// <summary>Wraps an error as a failed outcome.</summary>
    /// <param name="error">The error.</param>
    public static implicit operator Outcome<T>(CallError error) => Fail(error);
}
