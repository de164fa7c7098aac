namespace Warden.Lineage.Records;

/// <summary>What a revocation stops. The numeric values are part of the canonical encoding.</summary>
public enum RevocationScope
{
    /// <summary>Not a valid scope.</summary>
    Unspecified = 0,

    /// <summary>One session.</summary>
    Session = 1,

    /// <summary>An agent: all its sessions, and any new ones.</summary>
    Agent = 2,

    /// <summary>A whole tenant.</summary>
    Tenant = 3,
}
