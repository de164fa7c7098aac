using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Warden.Policy.Extensions;

namespace Warden.Policy.Validation;

/// <summary>The type of an extension function: argument types, result type, and for a constructor the parser its literal must pass.</summary>
/// <param name="Name">Function name.</param>
/// <param name="Arguments">Argument types, receiver first for methods.</param>
/// <param name="Result">Result type.</param>
/// <param name="Parser">For a constructor, checks that a literal string parses (returns the reason when it does not).</param>
internal sealed record ExtensionSignature(string Name, VType[] Arguments, VType Result, Func<string, string?>? Parser)
{
    /// <summary>True for <c>ip</c>, <c>decimal</c>, <c>datetime</c> and <c>duration</c>.</summary>
    public bool IsConstructor => Parser is not null;

    /// <summary>True when <paramref name="text"/> is a valid argument; otherwise <paramref name="why"/> says why not.</summary>
    public bool Parses(string text, [NotNullWhen(false)] out string? why)
    {
        why = Parser?.Invoke(text);
        return why is null;
    }
}

/// <summary>Cedar's extension functions and their types (ipaddr, decimal, datetime, duration).</summary>
internal static class ExtensionSignatures
{
    private static readonly VType IpAddr = new VExtension("ipaddr");
    private static readonly VType Decimal = new VExtension("decimal");
    private static readonly VType Datetime = new VExtension("datetime");
    private static readonly VType Duration = new VExtension("duration");

    private static readonly FrozenDictionary<string, ExtensionSignature> Signatures = new ExtensionSignature[]
    {
        new("ip", [VType.String], IpAddr, text => IpAddress.TryParse(text, out _, out var error) ? null : error ?? "not an IP address"),
        new("isIpv4", [IpAddr], VType.AnyBool, null),
        new("isIpv6", [IpAddr], VType.AnyBool, null),
        new("isLoopback", [IpAddr], VType.AnyBool, null),
        new("isMulticast", [IpAddr], VType.AnyBool, null),
        new("isInRange", [IpAddr, IpAddr], VType.AnyBool, null),
        new("decimal", [VType.String], Decimal, text => CedarDecimal.TryParse(text, out _, out var error) ? null : error ?? "not a decimal"),
        new("lessThan", [Decimal, Decimal], VType.AnyBool, null),
        new("lessThanOrEqual", [Decimal, Decimal], VType.AnyBool, null),
        new("greaterThan", [Decimal, Decimal], VType.AnyBool, null),
        new("greaterThanOrEqual", [Decimal, Decimal], VType.AnyBool, null),
        new("datetime", [VType.String], Datetime, text => CedarDatetime.TryParse(text, out _, out var error) ? null : error ?? "not a datetime"),
        new("duration", [VType.String], Duration, text => CedarDuration.TryParse(text, out _, out var error) ? null : error ?? "not a duration"),
        new("offset", [Datetime, Duration], Datetime, null),
        new("durationSince", [Datetime, Datetime], Duration, null),
        new("toDate", [Datetime], Datetime, null),
        new("toTime", [Datetime], Duration, null),
        new("toMilliseconds", [Duration], VType.Long, null),
        new("toSeconds", [Duration], VType.Long, null),
        new("toMinutes", [Duration], VType.Long, null),
        new("toHours", [Duration], VType.Long, null),
        new("toDays", [Duration], VType.Long, null),
    }.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>The signature of <paramref name="name"/>, when it is an extension function.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out ExtensionSignature? signature) =>
        Signatures.TryGetValue(name, out signature);
}
