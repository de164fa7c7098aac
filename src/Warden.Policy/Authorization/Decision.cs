namespace Warden.Policy.Authorization;

/// <summary>The outcome of an authorization request.</summary>
public enum Decision
{
    /// <summary>Denied: no permit was satisfied, or a forbid was (the default when nothing applies).</summary>
    Deny = 0,

    /// <summary>Allowed: at least one permit and no forbid was satisfied.</summary>
    Allow = 1,
}
