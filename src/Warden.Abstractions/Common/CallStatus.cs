namespace Warden;

/// <summary>
/// How a grain call ended, from the caller's point of view. Each value maps onto one gRPC status code at the edge;
/// a deny is never one of these (it is an <see cref="Sessions.Decision"/> value of a successful call).
/// </summary>
public enum CallStatus
{
    /// <summary>The call succeeded; the outcome carries a value.</summary>
    Ok = 0,

    /// <summary>The request is malformed; the error names the offending field(s). gRPC <c>InvalidArgument</c>.</summary>
    InvalidArgument = 1,

    /// <summary>The addressed tenant, agent, session or approval does not exist. gRPC <c>NotFound</c>.</summary>
    NotFound = 2,

    /// <summary>The thing to create exists already. gRPC <c>AlreadyExists</c>.</summary>
    AlreadyExists = 3,

    /// <summary>The caller is authenticated but may not touch this object (another agent's session). gRPC <c>PermissionDenied</c>.</summary>
    PermissionDenied = 4,

    /// <summary>The object is in a state that refuses the call (suspended agent, frozen tenant, closed session). gRPC <c>FailedPrecondition</c>.</summary>
    FailedPrecondition = 5,

    /// <summary>The presented credential is wrong, revoked or unknown. gRPC <c>Unauthenticated</c>.</summary>
    Unauthenticated = 6,
}
