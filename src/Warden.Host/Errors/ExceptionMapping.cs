using Grpc.Core;

namespace Warden.Host.Errors;

/// <summary>Which unexpected exceptions mean "try again" rather than "Warden is broken".</summary>
internal static class ExceptionMapping
{
    /// <summary>A status for exceptions with a precise meaning; null for the rest.</summary>
    public static RpcException? TryMap(Exception e) => e switch
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
