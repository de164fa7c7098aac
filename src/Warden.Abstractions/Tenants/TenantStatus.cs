namespace Warden.Tenants;

/// <summary>The status of a tenant.</summary>
public enum TenantStatus
{
    /// <summary>The tenant has not been created.</summary>
    None = 0,

    /// <summary>Agents may open sessions and be allowed actions.</summary>
    Active = 1,

    /// <summary>Kill switch pulled: every live session was revoked, no session opens, every decision is deny.</summary>
    Frozen = 2,
}
