using Microsoft.Extensions.Logging;
using Warden.Sessions;

namespace Warden.Grains.Diagnostics;

/// <summary>Every log line the grains write. Never a credential, a secret or a tool argument; ids and codes only.</summary>
internal static partial class WardenLog
{
    [LoggerMessage(EventId = 1001, EventName = "TenantCreated", Level = LogLevel.Information, Message = "Tenant {TenantId} created by {Actor}")]
    public static partial void TenantCreated(ILogger logger, string tenantId, string actor);

    [LoggerMessage(EventId = 1002, EventName = "TenantStatusChanged", Level = LogLevel.Warning, Message = "Tenant {TenantId} is now {Status} ({Actor}): {Reason}")]
    public static partial void TenantStatusChanged(ILogger logger, string tenantId, string status, string actor, string reason);

    [LoggerMessage(EventId = 1003, EventName = "PolicyPublished", Level = LogLevel.Information, Message = "Tenant {TenantId} published policy version {Version} ({PolicyCount} policies) by {Actor}")]
    public static partial void PolicyPublished(ILogger logger, string tenantId, long version, int policyCount, string actor);

    [LoggerMessage(EventId = 1004, EventName = "PolicyRefused", Level = LogLevel.Information, Message = "Tenant {TenantId} refused a policy set from {Actor}: {ProblemCount} problems")]
    public static partial void PolicyRefused(ILogger logger, string tenantId, string actor, int problemCount);

    [LoggerMessage(EventId = 1005, EventName = "OperatorCredentialRejected", Level = LogLevel.Warning, Message = "Tenant {TenantId} rejected an operator credential")]
    public static partial void OperatorCredentialRejected(ILogger logger, string tenantId);

    [LoggerMessage(EventId = 1006, EventName = "PolicyFanOutFailed", Level = LogLevel.Error, Message = "Tenant {TenantId}: policy version {Version} did not reach agent {AgentId}")]
    public static partial void PolicyFanOutFailed(ILogger logger, Exception exception, string tenantId, long version, string agentId);

    [LoggerMessage(EventId = 2001, EventName = "AgentRegistered", Level = LogLevel.Information, Message = "Agent {AgentKey} registered by {Actor}")]
    public static partial void AgentRegistered(ILogger logger, string agentKey, string actor);

    [LoggerMessage(EventId = 2002, EventName = "AgentStatusChanged", Level = LogLevel.Warning, Message = "Agent {AgentKey} is now {Status} ({Actor}): {Reason}")]
    public static partial void AgentStatusChanged(ILogger logger, string agentKey, string status, string actor, string reason);

    [LoggerMessage(EventId = 2003, EventName = "AgentCredentialRejected", Level = LogLevel.Warning, Message = "Agent {AgentKey} rejected a credential")]
    public static partial void AgentCredentialRejected(ILogger logger, string agentKey);

    [LoggerMessage(EventId = 2004, EventName = "RevocationFanOutFailed", Level = LogLevel.Error, Message = "Agent {AgentKey}: session {SessionId} did not acknowledge a revocation (attempt {Attempt})")]
    public static partial void RevocationFanOutFailed(ILogger logger, Exception exception, string agentKey, string sessionId, int attempt);

    [LoggerMessage(EventId = 2005, EventName = "SessionStartFailed", Level = LogLevel.Error, Message = "Agent {AgentKey}: session {SessionId} failed to start; it stays in the registry until it expires")]
    public static partial void SessionStartFailed(ILogger logger, Exception exception, string agentKey, string sessionId);

    [LoggerMessage(EventId = 3001, EventName = "SessionOpened", Level = LogLevel.Information, Message = "Session {SessionKey} opened for agent {AgentId}: {GrantCount} grants, {RefusedCount} refused, {PendingCount} pending, expires {ExpiresAt:O}")]
    public static partial void SessionOpened(ILogger logger, string sessionKey, string agentId, int grantCount, int refusedCount, int pendingCount, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 3002, EventName = "SessionEnded", Level = LogLevel.Information, Message = "Session {SessionKey} ended: {Status} by {Actor}")]
    public static partial void SessionEnded(ILogger logger, string sessionKey, SessionStatus status, string actor);

    [LoggerMessage(EventId = 3003, EventName = "DecisionFailed", Level = LogLevel.Error, Message = "Session {SessionKey}: evaluation of {Action} failed; denied")]
    public static partial void DecisionFailed(ILogger logger, Exception exception, string sessionKey, string action);

    [LoggerMessage(EventId = 3004, EventName = "StateWriteFailed", Level = LogLevel.Error, Message = "Session {SessionKey}: state write failed; the decision is denied and the activation reloads from storage")]
    public static partial void StateWriteFailed(ILogger logger, Exception exception, string sessionKey);

    [LoggerMessage(EventId = 3005, EventName = "EventPublishFailed", Level = LogLevel.Warning, Message = "Stream publication of {EventType} for {Key} failed (observers only; decisions are unaffected)")]
    public static partial void EventPublishFailed(ILogger logger, Exception exception, string eventType, string key);

    [LoggerMessage(EventId = 3006, EventName = "ReminderCleanupFailed", Level = LogLevel.Warning, Message = "Session {SessionKey}: could not unregister its expiry reminder; it will find the session ended and retry")]
    public static partial void ReminderCleanupFailed(ILogger logger, Exception exception, string sessionKey);

    [LoggerMessage(EventId = 3007, EventName = "SessionRevokedOnActivation", Level = LogLevel.Warning, Message = "Session {SessionKey} revoked on activation: {Reason}")]
    public static partial void SessionRevokedOnActivation(ILogger logger, string sessionKey, string reason);

    [LoggerMessage(EventId = 3008, EventName = "ApprovalDecided", Level = LogLevel.Information, Message = "Session {SessionKey}: approval {ApprovalId} {Status} by {Actor}")]
    public static partial void ApprovalDecided(ILogger logger, string sessionKey, string approvalId, ApprovalStatus status, string actor);

    [LoggerMessage(EventId = 4001, EventName = "PolicyCompiled", Level = LogLevel.Information, Message = "Compiled policy version {Version} of tenant {TenantId} for this silo")]
    public static partial void PolicyCompiled(ILogger logger, string tenantId, long version);
}
