using System.Globalization;

namespace Warden.Policy.Extensions;

/// <summary>Cedar's <c>datetime</c>: an instant as signed milliseconds since 1970-01-01T00:00:00Z (no leap seconds).</summary>
/// <param name="EpochMilliseconds">Milliseconds since the Unix epoch.</param>
public readonly record struct CedarDatetime(long EpochMilliseconds) : IComparable<CedarDatetime>
{
    private const long MillisecondsPerDay = 86_400_000;

    /// <summary>
    /// Parses Cedar's datetime syntax: <c>YYYY-MM-DD</c>, optionally followed by <c>Thh:mm:ss</c>, optional
    /// <c>.SSS</c>, and <c>Z</c> or a <c>+hhmm</c>/<c>-hhmm</c> offset. Fields are range-checked (no leap seconds).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The parsed instant.</param>
    /// <param name="error">Why the text is not a datetime.</param>
    public static bool TryParse(string text, out CedarDatetime value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        if (text.Length < 10 || !Digits(text, 0, 4) || text[4] != '-' || !Digits(text, 5, 2) || text[7] != '-' || !Digits(text, 8, 2))
        {
            error = "invalid date pattern";
            return false;
        }

        var year = Number(text, 0, 4);
        var month = Number(text, 5, 2);
        var day = Number(text, 8, 2);
        long hour = 0, minute = 0, second = 0, millisecond = 0, offsetSeconds = 0;
        if (text.Length > 10)
        {
            // Thh:mm:ss
            if (text.Length < 19 || text[10] != 'T' || !Digits(text, 11, 2) || text[13] != ':' || !Digits(text, 14, 2) || text[16] != ':' || !Digits(text, 17, 2))
            {
                error = "invalid hour/minute/second pattern";
                return false;
            }

            hour = Number(text, 11, 2);
            minute = Number(text, 14, 2);
            second = Number(text, 17, 2);
            var i = 19;
            if (i < text.Length && text[i] == '.')
            {
                if (text.Length < i + 4 || !Digits(text, i + 1, 3))
                {
                    error = "invalid millisecond and/or offset pattern";
                    return false;
                }

                millisecond = Number(text, i + 1, 3);
                i += 4;
            }

            if (i == text.Length - 1 && text[i] == 'Z')
            {
                offsetSeconds = 0;
            }
            else if (i == text.Length - 5 && (text[i] == '+' || text[i] == '-') && Digits(text, i + 1, 4))
            {
                var offsetHours = Number(text, i + 1, 2);
                var offsetMinutes = Number(text, i + 3, 2);
                if (offsetHours >= 24 || offsetMinutes >= 60)
                {
                    error = $"invalid offset range: {offsetHours}{offsetMinutes}";
                    return false;
                }

                offsetSeconds = ((offsetHours * 3600) + (offsetMinutes * 60)) * (text[i] == '+' ? 1 : -1);
            }
            else
            {
                error = "invalid millisecond and/or offset pattern";
                return false;
            }
        }

        if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month))
        {
            error = $"invalid date: {text[..10]}";
            return false;
        }

        if (hour >= 24 || minute >= 60 || second >= 60)
        {
            error = $"invalid hour/minute/second: {text.Substring(11, 8)}";
            return false;
        }

        var days = DaysFromCivil(year, month, day);
        var epoch = (days * MillisecondsPerDay) + (hour * 3_600_000) + (minute * 60_000) + (second * 1000) + millisecond - (offsetSeconds * 1000);
        value = new CedarDatetime(epoch);
        error = null;
        return true;
    }

    /// <summary>Parses Cedar's datetime syntax or throws <see cref="FormatException"/>.</summary>
    /// <param name="text">The text.</param>
    public static CedarDatetime Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>The instant from a <see cref="DateTimeOffset"/>, truncated to milliseconds.</summary>
    /// <param name="instant">The instant.</param>
    public static CedarDatetime FromDateTimeOffset(DateTimeOffset instant) => new(instant.ToUnixTimeMilliseconds());

    /// <summary>Cedar's <c>offset(duration)</c>; false when the result does not fit.</summary>
    /// <param name="duration">The duration to add.</param>
    /// <param name="result">The shifted instant.</param>
    public bool TryOffset(CedarDuration duration, out CedarDatetime result)
    {
        var sum = (Int128)EpochMilliseconds + duration.Milliseconds;
        result = sum >= long.MinValue && sum <= long.MaxValue ? new CedarDatetime((long)sum) : default;
        return sum >= long.MinValue && sum <= long.MaxValue;
    }

    /// <summary>Cedar's <c>durationSince(other)</c>; false when the result does not fit.</summary>
    /// <param name="other">The earlier instant.</param>
    /// <param name="result">This instant minus <paramref name="other"/>.</param>
    public bool TryDurationSince(CedarDatetime other, out CedarDuration result)
    {
        var difference = (Int128)EpochMilliseconds - other.EpochMilliseconds;
        var fits = difference >= long.MinValue && difference <= long.MaxValue;
        result = fits ? new CedarDuration((long)difference) : default;
        return fits;
    }

    /// <summary>Cedar's <c>toDate()</c>: midnight UTC of the same day; false when that does not fit.</summary>
    /// <param name="result">The truncated instant.</param>
    public bool TryToDate(out CedarDatetime result)
    {
        var remainder = ((EpochMilliseconds % MillisecondsPerDay) + MillisecondsPerDay) % MillisecondsPerDay;
        var date = (Int128)EpochMilliseconds - remainder;
        var fits = date >= long.MinValue;
        result = fits ? new CedarDatetime((long)date) : default;
        return fits;
    }

    /// <summary>Cedar's <c>toTime()</c>: the milliseconds elapsed since midnight UTC of the same day.</summary>
    public CedarDuration ToTime()
    {
        var remainder = EpochMilliseconds % MillisecondsPerDay;
        return new CedarDuration(remainder < 0 ? remainder + MillisecondsPerDay : remainder);
    }

    /// <inheritdoc />
    public int CompareTo(CedarDatetime other) => EpochMilliseconds.CompareTo(other.EpochMilliseconds);

    /// <summary>The instant as <c>YYYY-MM-DDThh:mm:ss.SSSZ</c> when the year is 0–9999, otherwise as epoch milliseconds.</summary>
    public override string ToString()
    {
        var days = Math.DivRem(EpochMilliseconds, MillisecondsPerDay, out var ms);
        if (ms < 0)
        {
            ms += MillisecondsPerDay;
            days--;
        }

        var (year, month, day) = CivilFromDays(days);
        if (year < 0 || year > 9999)
        {
            return EpochMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{year:D4}-{month:D2}-{day:D2}T{ms / 3_600_000:D2}:{ms / 60_000 % 60:D2}:{ms / 1000 % 60:D2}.{ms % 1000:D3}Z");
    }

    private static bool Digits(string text, int start, int count)
    {
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static long Number(string text, int start, int count)
    {
        long value = 0;
        for (var i = start; i < start + count; i++)
        {
            value = (value * 10) + (text[i] - '0');
        }

        return value;
    }

    private static long DaysInMonth(long year, long month) => month switch
    {
        2 => IsLeapYear(year) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private static bool IsLeapYear(long year) => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    // Proleptic Gregorian calendar (Howard Hinnant's days_from_civil), year 0 included.
    private static long DaysFromCivil(long year, long month, long day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yearOfEra = year - (era * 400);
        var dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146097) + dayOfEra - 719468;
    }

    private static (long Year, long Month, long Day) CivilFromDays(long days)
    {
        days += 719468;
        var era = (days >= 0 ? days : days - 146096) / 146097;
        var dayOfEra = days - (era * 146097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36524) - (dayOfEra / 146096)) / 365;
        var year = yearOfEra + (era * 400);
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var monthIndex = ((5 * dayOfYear) + 2) / 153;
        var day = dayOfYear - (((153 * monthIndex) + 2) / 5) + 1;
        var month = monthIndex + (monthIndex < 10 ? 3 : -9);
        return (year + (month <= 2 ? 1 : 0), month, day);
    }
}
