namespace Warden.Agents;

/// <summary>The status of an agent.</summary>
public enum AgentStatus
{
    /// <summary>Not registered.</summary>
    None = 0,

    /// <summary>May open sessions and be allowed actions.</summary>
    Active = 1,

    /// <summary>Kill switch pulled: its live sessions were revoked and it cannot open new ones until reactivated.</summary>
    Suspended = 2,

    /// <summary>Permanently out of service: credential invalid, sessions revoked, cannot be reactivated.</summary>
    Retired = 3,
}
