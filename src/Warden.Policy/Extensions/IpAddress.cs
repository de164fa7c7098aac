using System.Globalization;
using System.Text;

namespace Warden.Policy.Extensions;

/// <summary>
/// Cedar's <c>ipaddr</c>: an IPv4 or IPv6 address with a prefix length (32 or 128 for a single address).
/// The address keeps its host bits, so <c>ip("10.0.0.1/24") != ip("10.0.0.2/24")</c>, as in Cedar.
/// </summary>
public sealed class IpAddress : IEquatable<IpAddress>
{
    // Cedar refuses strings longer than len("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789/128").
    private const int MaxTextLength = 43;

    private IpAddress(bool isV4, UInt128 address, byte prefixLength)
    {
        IsIpv4 = isV4;
        Address = address;
        PrefixLength = prefixLength;
    }

    /// <summary>True for IPv4, false for IPv6.</summary>
    public bool IsIpv4 { get; }

    /// <summary>True for IPv6.</summary>
    public bool IsIpv6 => !IsIpv4;

    /// <summary>The address bits (IPv4 in the low 32 bits).</summary>
    public UInt128 Address { get; }

    /// <summary>The CIDR prefix length.</summary>
    public byte PrefixLength { get; }

    /// <summary>Cedar's <c>isLoopback()</c>: 127.0.0.0/8 (with prefix ≥ 8) or exactly ::1/128.</summary>
    public bool IsLoopback => IsIpv4 ? (Address >> 24) == 127 && PrefixLength >= 8 : Address == 1 && PrefixLength >= 128;

    /// <summary>Cedar's <c>isMulticast()</c>: 224.0.0.0/4 (with prefix ≥ 4) or ff00::/8 (with prefix ≥ 8).</summary>
    public bool IsMulticast => IsIpv4
        ? (Address >> 24) >= 224 && (Address >> 24) <= 239 && PrefixLength >= 4
        : (Address >> 120) == 0xff && PrefixLength >= 8;

    /// <summary>
    /// Parses Cedar's <c>ip()</c> syntax: dotted IPv4 (no leading zeros) or IPv6 (no embedded IPv4, no zone),
    /// optionally followed by <c>/prefix</c>.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The parsed address.</param>
    /// <param name="error">Why the text is not an address.</param>
    public static bool TryParse(string text, out IpAddress? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        if (Encoding.UTF8.GetByteCount(text) > MaxTextLength)
        {
            error = $"error parsing IP address from string `{text}`: string length is too large";
            return false;
        }

        if (CountAtLeastTwo(text, ':') && CountAtLeastTwo(text, '.'))
        {
            error = $"error parsing IP address from string: We do not accept IPv4 embedded in IPv6 (e.g., ::ffff:127.0.0.1). Found: `{text}`";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash >= 0 ? text.AsSpan(0, slash) : text.AsSpan();
        bool isV4;
        UInt128 address;
        if (TryParseV4(addressText, out var v4))
        {
            isV4 = true;
            address = v4;
        }
        else if (TryParseV6(addressText, out var v6))
        {
            isV4 = false;
            address = v6;
        }
        else
        {
            error = $"invalid IP address: {text}";
            return false;
        }

        byte prefix = isV4 ? (byte)32 : (byte)128;
        if (slash >= 0 && !TryParsePrefix(text.AsSpan(slash + 1), isV4 ? 32 : 128, isV4 ? 2 : 3, out prefix))
        {
            error = $"error parsing prefix of IP address `{text}`";
            return false;
        }

        value = new IpAddress(isV4, address, prefix);
        error = null;
        return true;
    }

    /// <summary>Parses Cedar's <c>ip()</c> syntax or throws <see cref="FormatException"/>.</summary>
    /// <param name="text">The text.</param>
    public static IpAddress Parse(string text) =>
        TryParse(text, out var value, out var error) ? value! : throw new FormatException(error);

    /// <summary>Cedar's <c>isInRange(range)</c>: this address or range lies within <paramref name="range"/> (same IP version).</summary>
    /// <param name="range">The enclosing range.</param>
    public bool IsInRange(IpAddress range)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (IsIpv4 != range.IsIpv4)
        {
            return false;
        }

        var width = IsIpv4 ? 32 : 128;
        var all = IsIpv4 ? (UInt128)uint.MaxValue : UInt128.MaxValue;
        var selfNetwork = Address & NetMask(PrefixLength, width, all);
        var otherNetwork = range.Address & NetMask(range.PrefixLength, width, all);
        var selfBroadcast = Address | HostMask(PrefixLength, width, all);
        var otherBroadcast = range.Address | HostMask(range.PrefixLength, width, all);
        return otherNetwork <= selfNetwork && selfBroadcast <= otherBroadcast;
    }

    /// <inheritdoc />
    public bool Equals(IpAddress? other) =>
        other is not null && IsIpv4 == other.IsIpv4 && Address == other.Address && PrefixLength == other.PrefixLength;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IpAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(IsIpv4, Address, PrefixLength);

    /// <summary>The address and prefix, for example <c>10.0.0.1/24</c> or <c>ff00::1/128</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        if (IsIpv4)
        {
            var bits = (uint)Address;
            builder.Append(CultureInfo.InvariantCulture, $"{bits >> 24}.{(bits >> 16) & 0xff}.{(bits >> 8) & 0xff}.{bits & 0xff}");
        }
        else
        {
            AppendV6(builder, Address);
        }

        builder.Append('/').Append(PrefixLength.ToString(CultureInfo.InvariantCulture));
        return builder.ToString();
    }

    private static UInt128 NetMask(byte prefix, int width, UInt128 all) =>
        prefix == 0 ? UInt128.Zero : (all << (width - prefix)) & all;

    private static UInt128 HostMask(byte prefix, int width, UInt128 all) =>
        prefix >= width ? UInt128.Zero : all >> prefix;

    private static bool CountAtLeastTwo(string text, char c)
    {
        var first = text.IndexOf(c, StringComparison.Ordinal);
        return first >= 0 && text.IndexOf(c, first + 1) >= 0;
    }

    private static bool TryParsePrefix(ReadOnlySpan<char> text, int max, int maxLength, out byte prefix)
    {
        prefix = 0;
        if (text.Length == 0 || text.Length > maxLength || (text[0] == '0' && text.Length > 1))
        {
            return false;
        }

        var value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        if (value > max)
        {
            return false;
        }

        prefix = (byte)value;
        return true;
    }

    // Dotted quad as the Rust standard library reads it: four decimal octets of one to three digits,
    // no leading zeros, each at most 255.
    private static bool TryParseV4(ReadOnlySpan<char> text, out uint address)
    {
        address = 0;
        var position = 0;
        for (var octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (position >= text.Length || text[position] != '.')
                {
                    return false;
                }

                position++;
            }

            var start = position;
            var value = 0;
            while (position < text.Length && char.IsAsciiDigit(text[position]) && position - start < 3)
            {
                value = (value * 10) + (text[position] - '0');
                position++;
            }

            var digits = position - start;
            if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0'))
            {
                return false;
            }

            if (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                // A fourth digit.
                return false;
            }

            address = (address << 8) | (uint)value;
        }

        return position == text.Length;
    }

    // IPv6 as the Rust standard library reads it, without the embedded-IPv4 form (which Cedar rejects
    // before parsing anyway): up to eight groups of one to four hex digits, at most one `::`.
    private static bool TryParseV6(ReadOnlySpan<char> text, out UInt128 address)
    {
        address = UInt128.Zero;
        Span<ushort> head = stackalloc ushort[8];
        var position = 0;
        var headCount = ReadGroups(text, ref position, head);
        if (headCount == 8)
        {
            address = Combine(head, 8, [], 0);
            return position == text.Length;
        }

        if (position + 1 >= text.Length || text[position] != ':' || text[position + 1] != ':')
        {
            return false;
        }

        position += 2;
        Span<ushort> tail = stackalloc ushort[7];
        var tailCount = ReadGroups(text, ref position, tail[..(8 - (headCount + 1))]);
        if (position != text.Length)
        {
            return false;
        }

        address = Combine(head, headCount, tail, tailCount);
        return true;
    }

    private static int ReadGroups(ReadOnlySpan<char> text, ref int position, Span<ushort> groups)
    {
        for (var i = 0; i < groups.Length; i++)
        {
            var attempt = position;
            if (i > 0)
            {
                if (attempt >= text.Length || text[attempt] != ':')
                {
                    return i;
                }

                attempt++;
            }

            var start = attempt;
            var value = 0;
            while (attempt < text.Length && char.IsAsciiHexDigit(text[attempt]))
            {
                if (attempt - start == 4)
                {
                    // A fifth hex digit makes the group invalid; the separator is rolled back.
                    return i;
                }

                value = (value << 4) | HexValue(text[attempt]);
                attempt++;
            }

            if (attempt == start)
            {
                return i;
            }

            groups[i] = (ushort)value;
            position = attempt;
        }

        return groups.Length;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static UInt128 Combine(ReadOnlySpan<ushort> head, int headCount, ReadOnlySpan<ushort> tail, int tailCount)
    {
        Span<ushort> groups = stackalloc ushort[8];
        groups.Clear();
        head[..headCount].CopyTo(groups);
        tail[..tailCount].CopyTo(groups[(8 - tailCount)..]);
        var value = UInt128.Zero;
        foreach (var group in groups)
        {
            value = (value << 16) | group;
        }

        return value;
    }

    private static void AppendV6(StringBuilder builder, UInt128 address)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 7; i >= 0; i--)
        {
            groups[i] = (ushort)(address & 0xffff);
            address >>= 16;
        }

        // Longest run of two or more zero groups is compressed to `::` (RFC 5952).
        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < 8 && groups[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength && i - start >= 2)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                builder.Append("::");
                i += bestLength - 1;
                continue;
            }

            if (i > 0 && i != bestStart + bestLength)
            {
                builder.Append(':');
            }

            builder.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }
    }
}
