namespace Warden.Policy.Extensions;

/// <summary>The names of Cedar's extension functions and methods (ipaddr, decimal, datetime, duration).</summary>
public static class ExtensionFunctions
{
    private static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "ip", "decimal", "datetime", "duration",
    };

    private static readonly Dictionary<string, int> Methods = new(StringComparer.Ordinal)
    {
        // Arity counts the receiver.
        ["isIpv4"] = 1,
        ["isIpv6"] = 1,
        ["isLoopback"] = 1,
        ["isMulticast"] = 1,
        ["isInRange"] = 2,
        ["lessThan"] = 2,
        ["lessThanOrEqual"] = 2,
        ["greaterThan"] = 2,
        ["greaterThanOrEqual"] = 2,
        ["offset"] = 2,
        ["durationSince"] = 2,
        ["toDate"] = 1,
        ["toTime"] = 1,
        ["toMilliseconds"] = 1,
        ["toSeconds"] = 1,
        ["toMinutes"] = 1,
        ["toHours"] = 1,
        ["toDays"] = 1,
    };

    /// <summary>True for a constructor-style extension function: <c>ip</c>, <c>decimal</c>, <c>datetime</c>, <c>duration</c>.</summary>
    /// <param name="name">The function name.</param>
    public static bool IsFunction(string name) => Functions.Contains(name);

    /// <summary>True for a method-style extension function (<c>isInRange</c>, <c>lessThan</c>, <c>offset</c>…).</summary>
    /// <param name="name">The method name.</param>
    public static bool IsMethod(string name) => Methods.ContainsKey(name);

    /// <summary>True for Cedar's built-in methods that are not extension functions (<c>contains</c>, <c>isEmpty</c>, <c>getTag</c>…).</summary>
    /// <param name="name">The method name.</param>
    public static bool IsBuiltinMethod(string name) => name switch
    {
        "contains" or "containsAll" or "containsAny" or "isEmpty" or "getTag" or "hasTag" => true,
        _ => false,
    };

    /// <summary>The number of arguments an extension function or method takes (a method's receiver counts as one).</summary>
    /// <param name="name">A function or method name.</param>
    public static int Arity(string name) => Functions.Contains(name) ? 1 : Methods.TryGetValue(name, out var arity) ? arity : -1;
}
