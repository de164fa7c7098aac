using System.Security.Cryptography;

namespace Warden;

/// <summary>
/// The id rules and grain keys. Tenant and agent ids are 1–64 characters of <c>[A-Za-z0-9._-]</c> starting with a
/// letter or digit; they never contain <c>/</c>, which separates the parts of a grain key. Session ids are 32
/// lowercase hex characters (128 random bits) chosen by Warden.
/// </summary>
public static class WardenIds
{
    /// <summary>Length of a session id.</summary>
    public const int SessionIdLength = 32;

    /// <summary>True when <paramref name="id"/> is a valid tenant or agent id.</summary>
    /// <param name="id">The candidate.</param>
    public static bool IsValidName(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > WardenLimits.MaxIdLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="id"/> has the shape of a session id.</summary>
    /// <param name="id">The candidate.</param>
    public static bool IsValidSessionId(string? id)
    {
        if (id is null || id.Length != SessionIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A fresh random session id.</summary>
    public static string NewSessionId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SessionIdLength / 2));

    /// <summary>The key of an agent grain: <c>{tenant}/{agent}</c>.</summary>
    /// <param name="tenantId">A valid tenant id.</param>
    /// <param name="agentId">A valid agent id.</param>
    public static string AgentKey(string tenantId, string agentId) => $"{tenantId}/{agentId}";

    /// <summary>The key of a session grain: <c>{tenant}/{sessionId}</c>.</summary>
    /// <param name="tenantId">A valid tenant id.</param>
    /// <param name="sessionId">A session id.</param>
    public static string SessionKey(string tenantId, string sessionId) => $"{tenantId}/{sessionId}";

    /// <summary>Splits a <c>{tenant}/{rest}</c> grain key.</summary>
    /// <param name="key">The grain key.</param>
    /// <param name="tenantId">The tenant part.</param>
    /// <param name="rest">The agent or session id part.</param>
    /// <returns>False when the key has no separator or either part is empty.</returns>
    public static bool TrySplitKey(string key, out string tenantId, out string rest)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            tenantId = rest = string.Empty;
            return false;
        }

        tenantId = key[..slash];
        rest = key[(slash + 1)..];
        return true;
    }
}
