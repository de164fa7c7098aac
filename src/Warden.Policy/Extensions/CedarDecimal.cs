using System.Globalization;

namespace Warden.Policy.Extensions;

/// <summary>
/// Cedar's <c>decimal</c>: a signed fixed-point number with exactly four fractional digits, stored as the
/// integer <c>value × 10⁴</c>; the range is <c>-922337203685477.5808</c> to <c>922337203685477.5807</c>.
/// </summary>
/// <param name="Scaled">The value multiplied by 10⁴.</param>
public readonly record struct CedarDecimal(long Scaled) : IComparable<CedarDecimal>
{
    private const int FractionDigits = 4;
    private const long Scale = 10_000;

    /// <summary>
    /// Parses Cedar's decimal syntax: an optional <c>-</c>, one or more ASCII digits, <c>.</c>, and one to four
    /// ASCII digits. Anything else, or a value out of range, is an error.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The parsed decimal.</param>
    /// <param name="error">Why the text is not a decimal.</param>
    public static bool TryParse(string text, out CedarDecimal value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        var negative = text.StartsWith('-');
        var start = negative ? 1 : 0;
        var dot = text.IndexOf('.', start);
        if (dot <= start || dot == text.Length - 1 || !AllAsciiDigits(text, start, dot) || !AllAsciiDigits(text, dot + 1, text.Length))
        {
            error = $"`{text}` is not a well-formed decimal value";
            return false;
        }

        if (!TryParseMagnitude(text.AsSpan(start, dot - start), out var whole))
        {
            error = "overflow when converting to decimal";
            return false;
        }

        var fractionDigits = text.Length - dot - 1;
        if (fractionDigits > FractionDigits)
        {
            error = $"too many digits after the decimal in `{text}`";
            return false;
        }

        var fraction = long.Parse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        for (var i = fractionDigits; i < FractionDigits; i++)
        {
            fraction *= 10;
        }

        // The magnitude is accumulated in 128 bits so that the single legal value whose magnitude does
        // not fit a long (-922337203685477.5808) still parses.
        var magnitude = ((Int128)whole * Scale) + fraction;
        var signed = negative ? -magnitude : magnitude;
        if (signed < long.MinValue || signed > long.MaxValue)
        {
            error = "overflow when converting to decimal";
            return false;
        }

        value = new CedarDecimal((long)signed);
        error = null;
        return true;
    }

    /// <summary>Parses Cedar's decimal syntax or throws <see cref="FormatException"/>.</summary>
    /// <param name="text">The text.</param>
    public static CedarDecimal Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <inheritdoc />
    public int CompareTo(CedarDecimal other) => Scaled.CompareTo(other.Scaled);

    /// <summary>The decimal with its four fractional digits, for example <c>-1.2500</c>.</summary>
    public override string ToString()
    {
        var magnitude = Scaled < 0 ? -(Int128)Scaled : Scaled;
        var whole = magnitude / Scale;
        var fraction = (long)(magnitude % Scale);
        return string.Create(CultureInfo.InvariantCulture, $"{(Scaled < 0 ? "-" : string.Empty)}{whole}.{fraction:D4}");
    }

    private static bool AllAsciiDigits(string text, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseMagnitude(ReadOnlySpan<char> digits, out long value)
    {
        // Leading zeros are allowed; the magnitude must fit a non-negative long.
        value = 0;
        foreach (var c in digits)
        {
            var digit = c - '0';
            if (value > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }
}
