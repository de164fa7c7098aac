using Warden.Host.Errors;
using Warden.Host.Validation;

namespace Warden.Host.Mapping;

/// <summary>Unwraps a grain's <see cref="Outcome{T}"/>: the value, or the gRPC status its error maps onto.</summary>
internal static class Outcomes
{
    /// <summary>The value; otherwise throws the matching status. NOT_FOUND names <paramref name="notFoundField"/>.</summary>
    public static T Unwrap<T>(this Outcome<T> outcome, string notFoundField, string fieldPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.IsOk)
        {
            return outcome.Value;
        }

        Throw(outcome.Error, notFoundField, fieldPrefix);
        return default!;
    }

    /// <summary>Throws the gRPC status of a grain error.</summary>
    public static void Throw(CallError error, string notFoundField, string fieldPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(error);
        switch (error.Status)
        {
            case CallStatus.InvalidArgument:
                var check = new RequestCheck().AddAll(error.Violations, fieldPrefix);
                if (check.IsValid)
                {
                    check.Add(notFoundField, error.Message);
                }

                check.ThrowIfInvalid();
                break;
            case CallStatus.NotFound:
                GrpcErrors.NotFoundMessage(notFoundField, error.Message);
                break;
            case CallStatus.AlreadyExists:
                GrpcErrors.AlreadyExists(error.Message);
                break;
            case CallStatus.PermissionDenied:
                GrpcErrors.PermissionDenied(error.Message);
                break;
            case CallStatus.FailedPrecondition:
                GrpcErrors.FailedPrecondition(error.Message);
                break;
            case CallStatus.Unauthenticated:
                GrpcErrors.Unauthenticated(error.Message);
                break;
        }

        // INVARIANT: an error status the edge does not know is never treated as success.
        GrpcErrors.Internal($"unexpected grain status {error.Status}");
    }
}
