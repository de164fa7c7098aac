using System.Globalization;
using System.Text;

namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>How the generator writes Cedar string literals, entity uids and attribute accessors.</summary>
internal static class CedarText
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar",
    };

    /// <summary>
    /// A Cedar string literal for <paramref name="value"/>. Printable characters go as they are; the rest as escapes,
    /// chosen by <paramref name="style"/> among the forms Cedar accepts (<c>\n</c>, <c>\x41</c>, <c>\u{41}</c>).
    /// </summary>
    public static string Quote(string value, int style = 0)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            AppendRune(sb, rune, style, inPattern: false);
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Appends one character of a string or pattern literal.</summary>
    public static void AppendRune(StringBuilder sb, Rune rune, int style, bool inPattern)
    {
        var c = rune.Value;
        switch (c)
        {
            case '"':
                sb.Append("\\\"");
                return;
            case '\\':
                sb.Append("\\\\");
                return;
            case '*' when inPattern:
                // A literal star in a `like` pattern; a bare `*` is the wildcard.
                sb.Append("\\*");
                return;
            case '\n' when style % 3 == 0:
                sb.Append("\\n");
                return;
            case '\r' when style % 3 == 0:
                sb.Append("\\r");
                return;
            case '\t' when style % 3 == 0:
                sb.Append("\\t");
                return;
            case '\0' when style % 3 == 0:
                sb.Append("\\0");
                return;
            case '\'' when style % 3 == 1:
                sb.Append("\\'");
                return;
        }

        if (c < 0x20 || c == 0x7f)
        {
            sb.Append(style % 3 == 2 ? $"\\u{{{c:x}}}" : $"\\x{c:x2}");
            return;
        }

        if (c > 0x7f && style % 5 == 4)
        {
            sb.Append("\\u{").Append(c.ToString("X", CultureInfo.InvariantCulture)).Append('}');
            return;
        }

        sb.Append(rune.ToString());
    }

    /// <summary>The entity uid literal <c>Type::"id"</c>.</summary>
    public static string Uid(GenUid uid, int style = 0) => uid.Type + "::" + Quote(uid.Id, style);

    /// <summary>True when <paramref name="name"/> can be written as <c>.name</c> or a bare record key.</summary>
    public static bool IsIdentifier(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && !Reserved.Contains(name);

    /// <summary>True when <paramref name="name"/> is shaped like an identifier but reserved (<c>if</c>, <c>in</c>, …).</summary>
    public static bool IsReserved(string name) => Reserved.Contains(name);
}
