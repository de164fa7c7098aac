using Warden.Protocol.V1;

namespace Warden.Cli.Parsing;

/// <summary>A resource written the Cedar way: <c>Type::"id"</c> (namespaced types allowed: <c>Mail::Recipient::"x"</c>).</summary>
internal static class ResourceText
{
    public static Resource Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf("::\"", StringComparison.Ordinal);
        if (at <= 0 || !text.EndsWith('"') || text.Length < at + 4)
        {
            throw new FormatException($"resource '{text}' must read Type::\"id\", for example Table::\"orders\"");
        }

        var id = text[(at + 3)..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        return new Resource { Type = text[..at], Id = id };
    }

    public static string Format(Resource resource) =>
        $"{resource.Type}::\"{resource.Id.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
