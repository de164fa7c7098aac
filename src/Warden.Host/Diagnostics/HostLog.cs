namespace Warden.Host.Diagnostics;

/// <summary>The host's log messages (source-generated; stable event ids). Never logs keys, credentials or tool arguments.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1000, EventName = "OperatorKeyGenerated", Level = LogLevel.Warning,
        Message = "Generated a new root operator key in {Path} (mode 600). Read it from there; it is not logged.")]
    public static partial void OperatorKeyGenerated(ILogger logger, string path);

    [LoggerMessage(EventId = 1001, EventName = "OperatorKeyFromFile", Level = LogLevel.Information,
        Message = "Root operator key read from {Path}")]
    public static partial void OperatorKeyFromFile(ILogger logger, string path);

    [LoggerMessage(EventId = 1002, EventName = "OperatorKeyFromConfiguration", Level = LogLevel.Information,
        Message = "Root operator key taken from configuration (Warden:OperatorKey)")]
    public static partial void OperatorKeyFromConfiguration(ILogger logger);

    [LoggerMessage(EventId = 1010, EventName = "Listening", Level = LogLevel.Information,
        Message = "Warden listening: gRPC on {GrpcEndpoint}, HTTP on {HttpEndpoint}")]
    public static partial void Listening(ILogger logger, Uri grpcEndpoint, Uri httpEndpoint);

    [LoggerMessage(EventId = 1100, EventName = "AuthenticationFailed", Level = LogLevel.Information,
        Message = "Unauthenticated call to {Method}: {Reason}")]
    public static partial void AuthenticationFailed(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 1200, EventName = "UnexpectedError", Level = LogLevel.Error,
        Message = "Unexpected error in {Method}; answered {StatusCode}")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, string method, string statusCode);

    [LoggerMessage(EventId = 1201, EventName = "EvaluateFailedClosed", Level = LogLevel.Error,
        Message = "Evaluation in session {SessionId} failed; answered DENY")]
    public static partial void EvaluateFailedClosed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 1300, EventName = "StreamItemRefused", Level = LogLevel.Debug,
        Message = "Evaluate stream item {CorrelationId} refused: {StatusCode}")]
    public static partial void StreamItemRefused(ILogger logger, ulong correlationId, string statusCode);
}
