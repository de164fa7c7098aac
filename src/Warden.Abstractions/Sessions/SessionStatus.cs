namespace Warden.Sessions;

/// <summary>The status of a session. Every status but <see cref="Open"/> is final.</summary>
public enum SessionStatus
{
    /// <summary>No such session.</summary>
    None = 0,

    /// <summary>Open until its expiry, unless closed or revoked first.</summary>
    Open = 1,

    /// <summary>Closed by its agent.</summary>
    Closed = 2,

    /// <summary>Reached its expiry.</summary>
    Expired = 3,

    /// <summary>Revoked by an operator, directly or by suspending its agent or freezing its tenant.</summary>
    Revoked = 4,
}
