using Warden.Policy.Values;

namespace Warden.Policy.Extensions;

/// <summary>Applies Cedar's extension functions and methods to values, with Cedar's arity and type errors.</summary>
public static class ExtensionCalls
{
    /// <summary>Calls an extension function or method (a method's receiver is the first argument).</summary>
    /// <param name="name">The function or method name.</param>
    /// <param name="arguments">The arguments.</param>
    /// <param name="result">The result, on success.</param>
    /// <param name="error">The evaluation error, on failure.</param>
    /// <returns>True on success.</returns>
    public static bool TryInvoke(string name, ReadOnlySpan<CedarValue> arguments, out CedarValue result, out string? error)
    {
        ArgumentNullException.ThrowIfNull(name);
        result = default;
        var arity = ExtensionFunctions.Arity(name);
        if (arity < 0)
        {
            error = $"extension function `{name}` does not exist";
            return false;
        }

        if (arguments.Length != arity)
        {
            error = $"wrong number of arguments provided to extension function `{name}`: expected {arity}, got {arguments.Length}";
            return false;
        }

        switch (name)
        {
            case "ip":
                return Construct(arguments[0], name, static (s, out v, out e) =>
                {
                    var ok = IpAddress.TryParse(s, out var ip, out e);
                    v = ok ? CedarValue.FromIpAddress(ip!) : default;
                    return ok;
                }, out result, out error);
            case "decimal":
                return Construct(arguments[0], name, static (s, out v, out e) =>
                {
                    var ok = CedarDecimal.TryParse(s, out var d, out e);
                    v = ok ? CedarValue.FromDecimal(d) : default;
                    return ok;
                }, out result, out error);
            case "datetime":
                return Construct(arguments[0], name, static (s, out v, out e) =>
                {
                    var ok = CedarDatetime.TryParse(s, out var d, out e);
                    v = ok ? CedarValue.FromDatetime(d) : default;
                    return ok;
                }, out result, out error);
            case "duration":
                return Construct(arguments[0], name, static (s, out v, out e) =>
                {
                    var ok = CedarDuration.TryParse(s, out var d, out e);
                    v = ok ? CedarValue.FromDuration(d) : default;
                    return ok;
                }, out result, out error);
        }

        var receiver = arguments[0];
        switch (name)
        {
            case "isIpv4":
            case "isIpv6":
            case "isLoopback":
            case "isMulticast":
            case "isInRange":
                {
                    if (!Expect(receiver, CedarValueKind.IpAddr, out error))
                    {
                        return false;
                    }

                    var ip = receiver.AsIpAddress();
                    bool answer;
                    switch (name)
                    {
                        case "isIpv4":
                            answer = ip.IsIpv4;
                            break;
                        case "isIpv6":
                            answer = ip.IsIpv6;
                            break;
                        case "isLoopback":
                            answer = ip.IsLoopback;
                            break;
                        case "isMulticast":
                            answer = ip.IsMulticast;
                            break;
                        default:
                            if (!Expect(arguments[1], CedarValueKind.IpAddr, out error))
                            {
                                return false;
                            }

                            answer = ip.IsInRange(arguments[1].AsIpAddress());
                            break;
                    }

                    result = CedarValue.FromBool(answer);
                    return true;
                }

            case "lessThan":
            case "lessThanOrEqual":
            case "greaterThan":
            case "greaterThanOrEqual":
                {
                    if (!Expect(receiver, CedarValueKind.Decimal, out error) || !Expect(arguments[1], CedarValueKind.Decimal, out error))
                    {
                        return false;
                    }

                    var comparison = receiver.AsDecimal().CompareTo(arguments[1].AsDecimal());
                    result = CedarValue.FromBool(name switch
                    {
                        "lessThan" => comparison < 0,
                        "lessThanOrEqual" => comparison <= 0,
                        "greaterThan" => comparison > 0,
                        _ => comparison >= 0,
                    });
                    return true;
                }

            case "offset":
                {
                    if (!Expect(receiver, CedarValueKind.Datetime, out error) || !Expect(arguments[1], CedarValueKind.Duration, out error))
                    {
                        return false;
                    }

                    if (!receiver.AsDatetime().TryOffset(arguments[1].AsDuration(), out var shifted))
                    {
                        error = "overflows when adding an offset to a datetime";
                        return false;
                    }

                    result = CedarValue.FromDatetime(shifted);
                    return true;
                }

            case "durationSince":
                {
                    if (!Expect(receiver, CedarValueKind.Datetime, out error) || !Expect(arguments[1], CedarValueKind.Datetime, out error))
                    {
                        return false;
                    }

                    if (!receiver.AsDatetime().TryDurationSince(arguments[1].AsDatetime(), out var difference))
                    {
                        error = "overflows when computing the duration between two datetimes";
                        return false;
                    }

                    result = CedarValue.FromDuration(difference);
                    return true;
                }

            case "toDate":
                {
                    if (!Expect(receiver, CedarValueKind.Datetime, out error))
                    {
                        return false;
                    }

                    if (!receiver.AsDatetime().TryToDate(out var date))
                    {
                        error = "overflows when computing the date of a datetime";
                        return false;
                    }

                    result = CedarValue.FromDatetime(date);
                    return true;
                }

            case "toTime":
                if (!Expect(receiver, CedarValueKind.Datetime, out error))
                {
                    return false;
                }

                result = CedarValue.FromDuration(receiver.AsDatetime().ToTime());
                return true;
            default:
                {
                    if (!Expect(receiver, CedarValueKind.Duration, out error))
                    {
                        return false;
                    }

                    var duration = receiver.AsDuration();
                    result = CedarValue.FromLong(name switch
                    {
                        "toMilliseconds" => duration.Milliseconds,
                        "toSeconds" => duration.ToSeconds(),
                        "toMinutes" => duration.ToMinutes(),
                        "toHours" => duration.ToHours(),
                        _ => duration.ToDays(),
                    });
                    return true;
                }
        }
    }

    /// <summary>The constructor function that builds values of an extension type (<c>ipaddr</c> → <c>ip</c>), or null.</summary>
    /// <param name="typeName">The extension type name.</param>
    public static string? ConstructorFor(string typeName) => typeName switch
    {
        "ipaddr" => "ip",
        "decimal" => "decimal",
        "datetime" => "datetime",
        "duration" => "duration",
        _ => null,
    };

    /// <summary>The value kind of an extension type name (<c>ipaddr</c>, <c>decimal</c>, <c>datetime</c>, <c>duration</c>), or <see cref="CedarValueKind.None"/>.</summary>
    /// <param name="typeName">The extension type name.</param>
    public static CedarValueKind KindOf(string typeName) => typeName switch
    {
        "ipaddr" => CedarValueKind.IpAddr,
        "decimal" => CedarValueKind.Decimal,
        "datetime" => CedarValueKind.Datetime,
        "duration" => CedarValueKind.Duration,
        _ => CedarValueKind.None,
    };

    internal static string TypeError(CedarValueKind expected, CedarValue actual)
    {
        var advice = actual.Kind == CedarValueKind.String && ConstructorFor(CedarValue.KindName(expected)) is { } constructor
            ? $"; maybe you forgot to apply the `{constructor}` constructor?"
            : string.Empty;
        return $"type error: expected {CedarValue.KindName(expected)}, got {CedarValue.KindName(actual.Kind)}{advice}";
    }

    private delegate bool Parse(string text, out CedarValue value, out string? error);

    private static bool Construct(CedarValue argument, string name, Parse parse, out CedarValue result, out string? error)
    {
        result = default;
        if (argument.Kind != CedarValueKind.String)
        {
            error = TypeError(CedarValueKind.String, argument);
            return false;
        }

        if (!parse(argument.AsString(), out result, out var parseError))
        {
            error = $"error while evaluating `{name}` extension function: {parseError}";
            return false;
        }

        error = null;
        return true;
    }

    private static bool Expect(CedarValue value, CedarValueKind kind, out string? error)
    {
        if (value.Kind == kind)
        {
            error = null;
            return true;
        }

        error = TypeError(kind, value);
        return false;
    }
}
