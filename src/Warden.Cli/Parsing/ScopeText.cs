using Warden.Protocol.V1;

namespace Warden.Cli.Parsing;

/// <summary>
/// Scope rules written on the command line as <c>ACTIONS on RESOURCES</c>, each side comma-separated:
/// <c>db.query,db.read on Table::*</c> or <c>mail.send on Mail::"ops@example.com"</c>.
/// </summary>
internal static class ScopeText
{
    private const string Separator = " on ";

    public static ScopeRule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new FormatException($"scope '{text}' must read 'ACTIONS on RESOURCES', for example 'db.query on Table::*'");
        }

        var rule = new ScopeRule();
        rule.Actions.AddRange(SplitList(text[..at]));
        rule.Resources.AddRange(SplitList(text[(at + Separator.Length)..]));
        if (rule.Actions.Count == 0 || rule.Resources.Count == 0)
        {
            throw new FormatException($"scope '{text}' names no action or no resource");
        }

        return rule;
    }

    public static string Format(ScopeRule rule) => string.Join(",", rule.Actions) + Separator + string.Join(",", rule.Resources);

    /// <summary>Splits on commas that are not inside double quotes.</summary>
    private static IEnumerable<string> SplitList(string text)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
            {
                quoted = !quoted;
            }

            if (i == text.Length || (text[i] == ',' && !quoted))
            {
                var part = text[start..i].Trim();
                if (part.Length > 0)
                {
                    yield return part;
                }

                start = i + 1;
            }
        }
    }
}
