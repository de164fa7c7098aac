using System.Globalization;
using System.Text;

namespace Warden.Policy.Extensions;

/// <summary>Cedar's <c>duration</c>: a signed number of milliseconds.</summary>
/// <param name="Milliseconds">The length in milliseconds.</param>
public readonly record struct CedarDuration(long Milliseconds) : IComparable<CedarDuration>
{
    private const long MillisecondsPerSecond = 1000;
    private const long MillisecondsPerMinute = 60 * MillisecondsPerSecond;
    private const long MillisecondsPerHour = 60 * MillisecondsPerMinute;
    private const long MillisecondsPerDay = 24 * MillisecondsPerHour;

    /// <summary>
    /// Parses Cedar's duration syntax: an optional <c>-</c> then quantity-unit pairs in the order
    /// <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>, <c>ms</c>, each at most once (for example <c>-1d2h30m</c>).
    /// A value that does not fit 64-bit milliseconds is an error.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The parsed duration.</param>
    /// <param name="error">Why the text is not a duration.</param>
    public static bool TryParse(string text, out CedarDuration value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        const string Invalid = "invalid duration pattern";
        const string Overflow = "duration overflows internal representation";
        if (text.Length == 0 || text == "-")
        {
            error = Invalid;
            return false;
        }

        var negative = text[0] == '-';
        var i = negative ? 1 : 0;

        // Quantities per unit, in the order d, h, m, s, ms; null when the unit is absent.
        Span<ulong> quantities = stackalloc ulong[5];
        Span<bool> present = stackalloc bool[5];
        var lastUnit = -1;
        var quantityOverflow = false;
        while (i < text.Length)
        {
            var digitsStart = i;
            ulong quantity = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                var digit = (ulong)(text[i] - '0');
                if (quantity > (ulong.MaxValue - digit) / 10)
                {
                    quantityOverflow = true;
                }
                else
                {
                    quantity = (quantity * 10) + digit;
                }

                i++;
            }

            if (i == digitsStart || i == text.Length)
            {
                error = Invalid;
                return false;
            }

            int unit;
            switch (text[i])
            {
                case 'd':
                    unit = 0;
                    i++;
                    break;
                case 'h':
                    unit = 1;
                    i++;
                    break;
                case 'm' when i + 1 < text.Length && text[i + 1] == 's':
                    unit = 4;
                    i += 2;
                    break;
                case 'm':
                    unit = 2;
                    i++;
                    break;
                case 's':
                    unit = 3;
                    i++;
                    break;
                default:
                    error = Invalid;
                    return false;
            }

            if (unit <= lastUnit)
            {
                error = Invalid;
                return false;
            }

            lastUnit = unit;
            quantities[unit] = quantity;
            present[unit] = true;
        }

        if (quantityOverflow)
        {
            error = Overflow;
            return false;
        }

        // Mirrors Cedar: milliseconds first, then seconds, minutes, hours and days, each term checked.
        Int128 total = negative ? -(Int128)quantities[4] : quantities[4];
        if (total < long.MinValue || total > long.MaxValue)
        {
            error = Overflow;
            return false;
        }

        ReadOnlySpan<long> multipliers = [MillisecondsPerDay, MillisecondsPerHour, MillisecondsPerMinute, MillisecondsPerSecond];
        for (var unit = 3; unit >= 0; unit--)
        {
            if (!present[unit])
            {
                continue;
            }

            if (quantities[unit] > long.MaxValue)
            {
                error = Overflow;
                return false;
            }

            var term = (Int128)(long)quantities[unit] * multipliers[unit];
            if (term > long.MaxValue)
            {
                error = Overflow;
                return false;
            }

            total = negative ? total - term : total + term;
            if (total < long.MinValue || total > long.MaxValue)
            {
                error = Overflow;
                return false;
            }
        }

        value = new CedarDuration((long)total);
        error = null;
        return true;
    }

    /// <summary>Parses Cedar's duration syntax or throws <see cref="FormatException"/>.</summary>
    /// <param name="text">The text.</param>
    public static CedarDuration Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Whole seconds (truncated toward zero), as Cedar's <c>toSeconds()</c>.</summary>
    public long ToSeconds() => Milliseconds / MillisecondsPerSecond;

    /// <summary>Whole minutes (truncated toward zero), as Cedar's <c>toMinutes()</c>.</summary>
    public long ToMinutes() => ToSeconds() / 60;

    /// <summary>Whole hours (truncated toward zero), as Cedar's <c>toHours()</c>.</summary>
    public long ToHours() => ToMinutes() / 60;

    /// <summary>Whole days (truncated toward zero), as Cedar's <c>toDays()</c>.</summary>
    public long ToDays() => ToHours() / 24;

    /// <inheritdoc />
    public int CompareTo(CedarDuration other) => Milliseconds.CompareTo(other.Milliseconds);

    /// <summary>The duration in Cedar syntax, for example <c>1d2h3ms</c> or <c>-5m</c>.</summary>
    public override string ToString()
    {
        if (Milliseconds == 0)
        {
            return "0ms";
        }

        var builder = new StringBuilder();
        UInt128 rest;
        if (Milliseconds < 0)
        {
            builder.Append('-');
            rest = (UInt128)(-(Int128)Milliseconds);
        }
        else
        {
            rest = (UInt128)Milliseconds;
        }

        Append(builder, ref rest, MillisecondsPerDay, "d");
        Append(builder, ref rest, MillisecondsPerHour, "h");
        Append(builder, ref rest, MillisecondsPerMinute, "m");
        Append(builder, ref rest, MillisecondsPerSecond, "s");
        Append(builder, ref rest, 1, "ms");
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, ref UInt128 rest, long unit, string suffix)
    {
        var count = rest / (ulong)unit;
        if (count > 0)
        {
            builder.Append(count.ToString(CultureInfo.InvariantCulture)).Append(suffix);
            rest -= count * (ulong)unit;
        }
    }
}
