namespace Warden.Scopes;

/// <summary>
/// Resource type names: Cedar entity type paths, <c>Ident(::Ident)*</c> with <c>Ident = [A-Za-z_][A-Za-z0-9_]*</c>,
/// at most <see cref="WardenLimits.MaxResourceTypeLength"/> characters.
/// </summary>
public static class ResourceTypes
{
    /// <summary>True when <paramref name="type"/> is a valid resource type path.</summary>
    /// <param name="type">The candidate.</param>
    public static bool IsValid(string? type)
    {
        if (string.IsNullOrEmpty(type) || type.Length > WardenLimits.MaxResourceTypeLength)
        {
            return false;
        }

        foreach (var part in type.Split("::"))
        {
            if (part.Length == 0 || !(char.IsAsciiLetter(part[0]) || part[0] == '_'))
            {
                return false;
            }

            foreach (var c in part)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '_')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
