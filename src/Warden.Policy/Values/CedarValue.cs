using System.Runtime.CompilerServices;
using System.Text;
using Warden.Policy.Extensions;

namespace Warden.Policy.Values;

/// <summary>
/// A Cedar value: bool, long, string, entity reference, set, record, or an extension value
/// (decimal, ipaddr, datetime, duration).
/// </summary>
/// <remarks>
/// A small struct so that evaluation does not allocate for booleans, integers and the
/// millisecond/fixed-point extension values; strings, entities, sets, records and IP addresses
/// are shared immutable references. Equality is Cedar's <c>==</c>: values of different kinds are
/// never equal, sets compare as sets, records compare attribute by attribute.
/// </remarks>
public readonly struct CedarValue : IEquatable<CedarValue>
{
    // INVARIANT: _ref holds string (String), EntityUid (Entity), CedarSet (Set), CedarRecord (Record),
    // IpAddress (IpAddr) and is null otherwise; _scalar holds the bool (0/1), long, decimal (scaled by
    // 10^4), datetime (epoch ms) or duration (ms).
    private readonly object? _ref;
    private readonly long _scalar;

    private CedarValue(CedarValueKind kind, long scalar, object? reference)
    {
        Kind = kind;
        _scalar = scalar;
        _ref = reference;
    }

    /// <summary>The Cedar value <c>true</c>.</summary>
    public static CedarValue True { get; } = new(CedarValueKind.Bool, 1, null);

    /// <summary>The Cedar value <c>false</c>.</summary>
    public static CedarValue False { get; } = new(CedarValueKind.Bool, 0, null);

    /// <summary>What kind of value this is.</summary>
    public CedarValueKind Kind { get; }

    /// <summary>True when this is the default (uninitialized) value rather than a Cedar value.</summary>
    public bool IsNone => Kind == CedarValueKind.None;

    internal bool BoolUnchecked => _scalar != 0;

    internal long ScalarUnchecked => _scalar;

    internal object? RefUnchecked => _ref;

    /// <summary>A Cedar <c>Bool</c>.</summary>
    /// <param name="value">The boolean.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CedarValue FromBool(bool value) => value ? True : False;

    /// <summary>A Cedar <c>Long</c>.</summary>
    /// <param name="value">The integer.</param>
    public static CedarValue FromLong(long value) => new(CedarValueKind.Long, value, null);

    /// <summary>A Cedar <c>String</c>.</summary>
    /// <param name="value">The string (any UTF-16 text; Cedar strings are Unicode scalar sequences).</param>
    public static CedarValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(CedarValueKind.String, 0, value);
    }

    /// <summary>An entity reference.</summary>
    /// <param name="uid">The entity's unique identifier.</param>
    public static CedarValue FromEntity(EntityUid uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        return new(CedarValueKind.Entity, 0, uid);
    }

    /// <summary>A Cedar <c>Set</c>.</summary>
    /// <param name="set">The set.</param>
    public static CedarValue FromSet(CedarSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return new(CedarValueKind.Set, 0, set);
    }

    /// <summary>A Cedar record.</summary>
    /// <param name="record">The record.</param>
    public static CedarValue FromRecord(CedarRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(CedarValueKind.Record, 0, record);
    }

    /// <summary>A <c>decimal</c> extension value.</summary>
    /// <param name="value">The decimal.</param>
    public static CedarValue FromDecimal(CedarDecimal value) => new(CedarValueKind.Decimal, value.Scaled, null);

    /// <summary>A <c>datetime</c> extension value.</summary>
    /// <param name="value">The datetime.</param>
    public static CedarValue FromDatetime(CedarDatetime value) => new(CedarValueKind.Datetime, value.EpochMilliseconds, null);

    /// <summary>A <c>duration</c> extension value.</summary>
    /// <param name="value">The duration.</param>
    public static CedarValue FromDuration(CedarDuration value) => new(CedarValueKind.Duration, value.Milliseconds, null);

    /// <summary>An <c>ipaddr</c> extension value.</summary>
    /// <param name="value">The address or range.</param>
    public static CedarValue FromIpAddress(IpAddress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(CedarValueKind.IpAddr, 0, value);
    }

    /// <summary>A set value built from the given elements (duplicates are removed).</summary>
    /// <param name="elements">The elements.</param>
    public static CedarValue Set(IEnumerable<CedarValue> elements) => FromSet(CedarSet.Create(elements));

    /// <summary>A record value built from the given attributes.</summary>
    /// <param name="attributes">The attributes; names must be distinct.</param>
    public static CedarValue Record(IEnumerable<KeyValuePair<string, CedarValue>> attributes) => FromRecord(CedarRecord.Create(attributes));

    /// <summary>A record value built from the given attributes.</summary>
    /// <param name="attributes">The attributes; names must be distinct.</param>
    public static CedarValue Record(ReadOnlySpan<KeyValuePair<string, CedarValue>> attributes) => FromRecord(CedarRecord.Create(attributes));

    /// <summary>The boolean, when <see cref="Kind"/> is <see cref="CedarValueKind.Bool"/>.</summary>
    public bool AsBool() => Kind == CedarValueKind.Bool ? _scalar != 0 : throw WrongKind(CedarValueKind.Bool);

    /// <summary>The integer, when <see cref="Kind"/> is <see cref="CedarValueKind.Long"/>.</summary>
    public long AsLong() => Kind == CedarValueKind.Long ? _scalar : throw WrongKind(CedarValueKind.Long);

    /// <summary>The string, when <see cref="Kind"/> is <see cref="CedarValueKind.String"/>.</summary>
    public string AsString() => Kind == CedarValueKind.String ? (string)_ref! : throw WrongKind(CedarValueKind.String);

    /// <summary>The entity reference, when <see cref="Kind"/> is <see cref="CedarValueKind.Entity"/>.</summary>
    public EntityUid AsEntity() => Kind == CedarValueKind.Entity ? (EntityUid)_ref! : throw WrongKind(CedarValueKind.Entity);

    /// <summary>The set, when <see cref="Kind"/> is <see cref="CedarValueKind.Set"/>.</summary>
    public CedarSet AsSet() => Kind == CedarValueKind.Set ? (CedarSet)_ref! : throw WrongKind(CedarValueKind.Set);

    /// <summary>The record, when <see cref="Kind"/> is <see cref="CedarValueKind.Record"/>.</summary>
    public CedarRecord AsRecord() => Kind == CedarValueKind.Record ? (CedarRecord)_ref! : throw WrongKind(CedarValueKind.Record);

    /// <summary>The decimal, when <see cref="Kind"/> is <see cref="CedarValueKind.Decimal"/>.</summary>
    public CedarDecimal AsDecimal() => Kind == CedarValueKind.Decimal ? new CedarDecimal(_scalar) : throw WrongKind(CedarValueKind.Decimal);

    /// <summary>The datetime, when <see cref="Kind"/> is <see cref="CedarValueKind.Datetime"/>.</summary>
    public CedarDatetime AsDatetime() => Kind == CedarValueKind.Datetime ? new CedarDatetime(_scalar) : throw WrongKind(CedarValueKind.Datetime);

    /// <summary>The duration, when <see cref="Kind"/> is <see cref="CedarValueKind.Duration"/>.</summary>
    public CedarDuration AsDuration() => Kind == CedarValueKind.Duration ? new CedarDuration(_scalar) : throw WrongKind(CedarValueKind.Duration);

    /// <summary>The IP address or range, when <see cref="Kind"/> is <see cref="CedarValueKind.IpAddr"/>.</summary>
    public IpAddress AsIpAddress() => Kind == CedarValueKind.IpAddr ? (IpAddress)_ref! : throw WrongKind(CedarValueKind.IpAddr);

    /// <summary>Cedar's name for a value kind, as error messages use it (<c>long</c>, <c>set</c>, <c>ipaddr</c>…).</summary>
    /// <param name="kind">The kind.</param>
    public static string KindName(CedarValueKind kind) => kind switch
    {
        CedarValueKind.Bool => "bool",
        CedarValueKind.Long => "long",
        CedarValueKind.String => "string",
        CedarValueKind.Entity => "entity",
        CedarValueKind.Set => "set",
        CedarValueKind.Record => "record",
        CedarValueKind.Decimal => "decimal",
        CedarValueKind.IpAddr => "ipaddr",
        CedarValueKind.Datetime => "datetime",
        CedarValueKind.Duration => "duration",
        _ => "none",
    };

    /// <summary>Cedar's <c>==</c>: same kind and same value (sets as sets, records attribute by attribute).</summary>
    /// <param name="other">The other value.</param>
    public bool Equals(CedarValue other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        switch (Kind)
        {
            case CedarValueKind.Bool:
            case CedarValueKind.Long:
            case CedarValueKind.Decimal:
            case CedarValueKind.Datetime:
            case CedarValueKind.Duration:
                return _scalar == other._scalar;
            case CedarValueKind.String:
                return string.Equals((string)_ref!, (string)other._ref!, StringComparison.Ordinal);
            case CedarValueKind.Entity:
                return ((EntityUid)_ref!).Equals((EntityUid)other._ref!);
            case CedarValueKind.Set:
                return ((CedarSet)_ref!).SetEquals((CedarSet)other._ref!);
            case CedarValueKind.Record:
                return ((CedarRecord)_ref!).RecordEquals((CedarRecord)other._ref!);
            case CedarValueKind.IpAddr:
                return ((IpAddress)_ref!).Equals((IpAddress)other._ref!);
            default:
                return true;
        }
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CedarValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        switch (Kind)
        {
            case CedarValueKind.String:
                return HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode((string)_ref!));
            case CedarValueKind.Entity:
            case CedarValueKind.Set:
            case CedarValueKind.Record:
            case CedarValueKind.IpAddr:
                return HashCode.Combine(Kind, _ref!.GetHashCode());
            default:
                return HashCode.Combine(Kind, _scalar);
        }
    }

    /// <summary>Cedar's <c>==</c>.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    public static bool operator ==(CedarValue left, CedarValue right) => left.Equals(right);

    /// <summary>The negation of Cedar's <c>==</c>.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    public static bool operator !=(CedarValue left, CedarValue right) => !left.Equals(right);

    /// <summary>The value in Cedar syntax (for example <c>{"a": [1, User::"x"]}</c> or <c>decimal("1.5")</c>).</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder, 0);
        return builder.ToString();
    }

    internal void AppendTo(StringBuilder builder, int depth)
    {
        // INVARIANT: values are at most as deep as the parser and JSON reader allow; the guard only
        // keeps a pathological caller from overflowing the stack while printing.
        if (depth > 256)
        {
            builder.Append("...");
            return;
        }

        switch (Kind)
        {
            case CedarValueKind.Bool:
                builder.Append(_scalar != 0 ? "true" : "false");
                break;
            case CedarValueKind.Long:
                builder.Append(_scalar.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case CedarValueKind.String:
                CedarStrings.AppendQuoted(builder, (string)_ref!);
                break;
            case CedarValueKind.Entity:
                builder.Append(_ref);
                break;
            case CedarValueKind.Set:
                ((CedarSet)_ref!).AppendTo(builder, depth);
                break;
            case CedarValueKind.Record:
                ((CedarRecord)_ref!).AppendTo(builder, depth);
                break;
            case CedarValueKind.Decimal:
                builder.Append("decimal(\"").Append(new CedarDecimal(_scalar).ToString()).Append("\")");
                break;
            case CedarValueKind.Datetime:
                builder.Append("datetime(\"").Append(new CedarDatetime(_scalar).ToString()).Append("\")");
                break;
            case CedarValueKind.Duration:
                builder.Append("duration(\"").Append(new CedarDuration(_scalar).ToString()).Append("\")");
                break;
            case CedarValueKind.IpAddr:
                builder.Append("ip(\"").Append(_ref).Append("\")");
                break;
            default:
                builder.Append("<none>");
                break;
        }
    }

    private InvalidOperationException WrongKind(CedarValueKind expected) =>
        new($"expected a {KindName(expected)} value, found a {KindName(Kind)}");
}
