using System.Globalization;
using System.Text;

namespace Warden.Policy.Schemas;

/// <summary>
/// Cedar's string escapes (those of Rust string literals): <c>\n \r \t \\ \0 \' \"</c>, <c>\xHH</c> up to 0x7F and
/// <c>\u{H…}</c> with one to six hex digits naming a Unicode scalar value. A bare carriage return is an error, as in
/// Cedar.
/// </summary>
internal static class CedarStringEscapes
{
    /// <summary>Unescapes <paramref name="body"/> (the text between the quotes).</summary>
    /// <param name="body">The escaped body.</param>
    /// <param name="error">Why it is invalid, when the result is null.</param>
    /// <returns>The unescaped string, or null when an escape is invalid.</returns>
    public static string? Unescape(string body, out string? error)
    {
        error = null;
        if (body.AsSpan().IndexOfAny('\\', '\r') < 0)
        {
            return body;
        }

        var builder = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\r')
            {
                error = "bare carriage return in string literal";
                return null;
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (++i >= body.Length)
            {
                error = "lone backslash at the end of a string literal";
                return null;
            }

            switch (body[i])
            {
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case '\\': builder.Append('\\'); break;
                case '0': builder.Append('\0'); break;
                case '\'': builder.Append('\''); break;
                case '"': builder.Append('"'); break;
                case 'x':
                    if (i + 2 >= body.Length
                        || !IsHex(body[i + 1]) || !IsHex(body[i + 2]))
                    {
                        error = "`\\x` escape needs two hex digits";
                        return null;
                    }

                    var value = int.Parse(body.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (value > 0x7F)
                    {
                        error = "`\\x` escape above 0x7F";
                        return null;
                    }

                    builder.Append((char)value);
                    i += 2;
                    break;
                case 'u':
                    if (!TryUnicodeEscape(body, ref i, builder, out error))
                    {
                        return null;
                    }

                    break;
                default:
                    error = $"invalid escape `\\{body[i]}`";
                    return null;
            }
        }

        return builder.ToString();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };

    private static bool TryUnicodeEscape(string body, ref int i, StringBuilder builder, out string? error)
    {
        // i is at 'u'. Form: u{H[H_]*} with 1..6 hex digits; underscores may follow the first digit.
        error = null;
        if (i + 1 >= body.Length || body[i + 1] != '{')
        {
            error = "`\\u` escape needs braces";
            return false;
        }

        var j = i + 2;
        var digits = 0;
        var value = 0;
        while (j < body.Length && body[j] != '}')
        {
            var c = body[j];
            if (c == '_')
            {
                if (digits == 0)
                {
                    error = "`\\u{}` escape may not start with `_`";
                    return false;
                }
            }
            else if (IsHex(c))
            {
                if (++digits > 6)
                {
                    error = "`\\u{}` escape has more than six hex digits";
                    return false;
                }

                value = (value * 16) + HexValue(c);
            }
            else
            {
                error = $"invalid character in `\\u{{}}` escape";
                return false;
            }

            j++;
        }

        if (j >= body.Length)
        {
            error = "unclosed `\\u{` escape";
            return false;
        }

        if (digits == 0)
        {
            error = "empty `\\u{}` escape";
            return false;
        }

        if (value > 0x10FFFF || (value is >= 0xD800 and <= 0xDFFF))
        {
            error = "`\\u{}` escape is not a Unicode scalar value";
            return false;
        }

        builder.Append(char.ConvertFromUtf32(value));
        i = j;
        return true;
    }
}
