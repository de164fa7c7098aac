using System.Text;

namespace Warden.Policy.Syntax;

/// <summary>
/// Cedar's string escapes (Rust's): <c>\n \r \t \\ \0 \' \"</c>, <c>\xHH</c> (at most 0x7F) and
/// <c>\u{H…}</c> (one to six hex digits, underscores allowed after the first, a Unicode scalar value).
/// A bare carriage return is not allowed. In <c>like</c> patterns <c>\*</c> is a literal star and an
/// unescaped <c>*</c> (however written) is the wildcard.
/// </summary>
internal static class StringEscapes
{
    /// <summary>Unescapes a string literal body; returns null and an error when an escape is invalid.</summary>
    public static string? Unescape(string raw, out string? error)
    {
        var builder = new StringBuilder(raw.Length);
        var ok = Decode(raw, allowStar: false, builder, wildcards: null, out error);
        return ok ? builder.ToString() : null;
    }

    /// <summary>Unescapes a pattern body into pattern elements; returns null and an error when an escape is invalid.</summary>
    public static LikePattern? UnescapePattern(string raw, out string? error)
    {
        var builder = new StringBuilder(raw.Length);
        var wildcards = new List<bool>(raw.Length);
        if (!Decode(raw, allowStar: true, builder, wildcards, out error))
        {
            return null;
        }

        var elements = new List<PatternElement>(builder.Length);
        for (var i = 0; i < builder.Length; i++)
        {
            elements.Add(wildcards[i] ? PatternElement.Wildcard : PatternElement.Literal(builder[i]));
        }

        return new LikePattern([.. elements]);
    }

    private static bool Decode(string raw, bool allowStar, StringBuilder output, List<bool>? wildcards, out string? error)
    {
        error = null;
        var i = 0;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c == '\r')
            {
                error = "the input `\\r` is not a valid escape (a bare carriage return is not allowed in a string)";
                return false;
            }

            if (c != '\\')
            {
                output.Append(c);
                wildcards?.Add(c == '*');
                i++;
                continue;
            }

            if (i + 1 >= raw.Length)
            {
                error = "the input `\\` is not a valid escape";
                return false;
            }

            var escape = raw[i + 1];
            switch (escape)
            {
                case 'n':
                    Emit('\n');
                    i += 2;
                    continue;
                case 'r':
                    Emit('\r');
                    i += 2;
                    continue;
                case 't':
                    Emit('\t');
                    i += 2;
                    continue;
                case '\\':
                    Emit('\\');
                    i += 2;
                    continue;
                case '0':
                    Emit('\0');
                    i += 2;
                    continue;
                case '\'':
                    Emit('\'');
                    i += 2;
                    continue;
                case '"':
                    Emit('"');
                    i += 2;
                    continue;
                case '*' when allowStar:
                    output.Append('*');
                    wildcards?.Add(false);
                    i += 2;
                    continue;
                case 'x':
                    if (i + 3 < raw.Length && char.IsAsciiHexDigit(raw[i + 2]) && char.IsAsciiHexDigit(raw[i + 3]))
                    {
                        var value = Convert.ToInt32(raw.Substring(i + 2, 2), 16);
                        if (value > 0x7F)
                        {
                            error = $"the input `{raw.Substring(i, 4)}` is not a valid escape (hex escapes must be at most \\x7F)";
                            return false;
                        }

                        Emit((char)value);
                        i += 4;
                        continue;
                    }

                    error = $"the input `{Excerpt(raw, i, 4)}` is not a valid escape";
                    return false;
                case 'u':
                    if (!TryUnicodeEscape(raw, i, out var scalar, out var length))
                    {
                        error = $"the input `{Excerpt(raw, i, length)}` is not a valid escape";
                        return false;
                    }

                    if (scalar <= 0xFFFF)
                    {
                        Emit((char)scalar);
                    }
                    else
                    {
                        var text = char.ConvertFromUtf32(scalar);
                        Emit(text[0]);
                        Emit(text[1]);
                    }

                    i += length;
                    continue;
                default:
                    error = $"the input `\\{escape}` is not a valid escape";
                    return false;
            }
        }

        return true;

        void Emit(char value)
        {
            output.Append(value);

            // An escaped character is literal unless it is a star produced by another escape: Cedar
            // turns the unescaped text into a pattern, so `\u{2a}` is a wildcard and only `\*` is a star.
            wildcards?.Add(value == '*');
        }
    }

    private static bool TryUnicodeEscape(string raw, int start, out int scalar, out int length)
    {
        // `\u{` hex-or-underscore (first must be hex) … `}`; at most six hex digits.
        scalar = 0;
        length = 2;
        var i = start + 2;
        if (i >= raw.Length || raw[i] != '{')
        {
            length = Math.Min(3, raw.Length - start);
            return false;
        }

        i++;
        var digits = 0;
        var first = true;
        while (i < raw.Length && raw[i] != '}')
        {
            var c = raw[i];
            if (c == '_' && !first)
            {
                i++;
                continue;
            }

            if (!char.IsAsciiHexDigit(c) || digits == 6)
            {
                length = i - start + 1;
                return false;
            }

            scalar = (scalar << 4) | HexValue(c);
            digits++;
            first = false;
            i++;
        }

        length = Math.Min(i + 1, raw.Length) - start;
        if (i >= raw.Length || digits == 0)
        {
            return false;
        }

        return scalar <= 0x10FFFF && (scalar < 0xD800 || scalar > 0xDFFF);
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static string Excerpt(string raw, int start, int length) => raw.Substring(start, Math.Min(length, raw.Length - start));
}
