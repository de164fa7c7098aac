namespace Warden.Scopes;

/// <summary>
/// Action names: 1–128 characters of <c>[A-Za-z0-9_.:/-]</c>, e.g. <c>db.query</c> or <c>email.send</c>. An action
/// named <c>x</c> reaches Cedar as <c>Action::"x"</c> in the tenant's schema. In a declared action surface (and only
/// there) <c>*</c> stands for every action.
/// </summary>
public static class ActionNames
{
    /// <summary>The wildcard a declared action surface may use for "any action".</summary>
    public const string Any = "*";

    /// <summary>True when <paramref name="action"/> is a valid concrete action name.</summary>
    /// <param name="action">The candidate.</param>
    public static bool IsValid(string? action)
    {
        if (string.IsNullOrEmpty(action) || action.Length > WardenLimits.MaxActionLength)
        {
            return false;
        }

        foreach (var c in action)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or ':' or '/' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
