namespace Warden.Lineage.Records;

/// <summary>
/// What a lineage record describes. The numeric values are part of the canonical encoding (and so of every
/// record's hash): never renumber a member, only add new ones.
/// </summary>
public enum LineageEventKind
{
    /// <summary>Not a valid kind; a record carrying it is refused by the writer.</summary>
    Unspecified = 0,

    /// <summary>An evaluation: allow, deny or approval-required for one action on one resource.</summary>
    Decision = 1,

    /// <summary>An agent opened a session with a declared intent.</summary>
    SessionOpened = 10,

    /// <summary>The agent (or the system) closed a session; every grant in it ended.</summary>
    SessionClosed = 11,

    /// <summary>A session reached its expiry.</summary>
    SessionExpired = 12,

    /// <summary>A grant was issued (at session open or after a request).</summary>
    GrantIssued = 20,

    /// <summary>A grant's use count reached zero.</summary>
    GrantUsedUp = 21,

    /// <summary>A grant reached its expiry.</summary>
    GrantExpired = 22,

    /// <summary>A grant was revoked before its expiry.</summary>
    GrantRevoked = 23,

    /// <summary>An agent asked for more access and the request waits for an operator.</summary>
    ApprovalRequested = 30,

    /// <summary>An operator (or policy) approved or denied a pending request.</summary>
    ApprovalDecided = 31,

    /// <summary>A tenant published a new policy set.</summary>
    PolicyPublished = 40,

    /// <summary>An agent was registered.</summary>
    AgentRegistered = 50,

    /// <summary>An agent was suspended.</summary>
    AgentSuspended = 51,

    /// <summary>A suspended agent was reactivated.</summary>
    AgentReactivated = 52,

    /// <summary>An agent was retired (final).</summary>
    AgentRetired = 53,

    /// <summary>An agent's credential was rotated: the old one is refused on every silo from this record on.</summary>
    AgentCredentialRotated = 54,

    /// <summary>A tenant was frozen: it decides nothing but deny.</summary>
    TenantFrozen = 60,

    /// <summary>A frozen tenant was reactivated.</summary>
    TenantReactivated = 61,

    /// <summary>An operator pulled the kill switch on a session, agent or tenant; see <see cref="LineageEvent.Revocation"/>.</summary>
    Revocation = 70,
}
