using Grpc.Core;
using Warden.Host.Diagnostics;

namespace Warden.Host.Errors;

/// <summary>Which unexpected exceptions mean "try again" rather than "Warden is broken", and the status each becomes.</summary>
internal static class ExceptionMapping
{
    /// <summary>
    /// The status an exception that escaped a call becomes (never a success): CANCELLED when the call was cancelled,
    /// INVALID_ARGUMENT for an argument exception naming its parameter, UNAVAILABLE for failures of reachability or
    /// time, INTERNAL for the rest. The last two are logged, with the exception; the wire gets no internal details.
    /// </summary>
    public static RpcException ToRpcException(Exception e, ServerCallContext context, ILogger logger)
    {
        if (e is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
        }

        if (TryMap(e) is { } mapped)
        {
            return mapped;
        }

        var status = IsUnavailable(e)
            ? new Status(StatusCode.Unavailable, "Warden could not answer in time; retry.")
            : new Status(StatusCode.Internal, "Internal error; it was logged.");
        HostLog.UnexpectedError(logger, e, context.Method, status.StatusCode.ToString());
        return new RpcException(status);
    }

    /// <summary>A status for exceptions with a precise meaning; null for the rest.</summary>
    private static RpcException? TryMap(Exception e) => e switch
    {
        // Grains answer outcomes, not exceptions; an argument exception reaching here is a caller error the edge
        // missed, and saying so is safer than hiding it as INTERNAL.
        ArgumentException argument when argument.ParamName is not null =>
            new RpcException(new Status(StatusCode.InvalidArgument, $"{argument.ParamName}: invalid")),
        _ => null,
    };

    /// <summary>True for failures of reachability or time (a silo going away, a grain call timing out).</summary>
    public static bool IsUnavailable(Exception e) => e is TimeoutException
        or SiloUnavailableException
        or OrleansMessageRejectionException
        or ClientNotAvailableException;
}
