using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Warden.Lineage.Tests.Privacy.Reference;

/// <summary>
/// A parsed set of paths to the sensitive values of a context or of tool arguments. Parse once per tool
/// declaration and reuse.
/// </summary>
/// <remarks>
/// Syntax (a small subset of JSONPath): an optional leading <c>$</c>; <c>.name</c> (or <c>name</c> first);
/// <c>['name']</c> or <c>["name"]</c> for names with dots or spaces; <c>[3]</c> for an array index; <c>[*]</c> or
/// <c>.*</c> for every element of an array or every member of an object. Names are case-sensitive.
/// Examples: <c>$.password</c>, <c>input.headers.authorization</c>, <c>$.items[*].token</c>, <c>$['api.key']</c>.
/// A path that matches nothing in a given context is not an error.
/// </remarks>
internal sealed class LegacySensitivePaths
{
    private readonly Segment[][] _paths;

    private LegacySensitivePaths(Segment[][] paths, IReadOnlyList<string> text)
    {
        _paths = paths;
        Paths = text;
    }

    /// <summary>The empty set: nothing is sensitive.</summary>
    public static LegacySensitivePaths None { get; } = new([], []);

    /// <summary>The paths as given.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Parses paths.</summary>
    /// <exception cref="ArgumentException">A path is malformed (the message quotes it).</exception>
    public static LegacySensitivePaths Parse(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var text = paths.ToArray();
        return new LegacySensitivePaths(text.Select(ParseOne).ToArray(), text);
    }

    // Every slot (root, object member or array element) that a path names, in the given context.
    public List<Slot> FindMatches(JsonNode? root)
    {
        var matches = new List<Slot>();
        foreach (var path in _paths)
        {
            Collect(new Slot(null, null, -1, root), path, 0, matches);
        }

        return matches;
    }

    private static void Collect(Slot slot, Segment[] path, int index, List<Slot> matches)
    {
        if (index == path.Length)
        {
            matches.Add(slot);
            return;
        }

        var segment = path[index];
        switch (slot.Value)
        {
            case JsonObject obj when segment.Kind == SegmentKind.Name:
                if (obj.TryGetPropertyValue(segment.Name!, out var child))
                {
                    Collect(new Slot(obj, segment.Name, -1, child), path, index + 1, matches);
                }

                break;
            case JsonObject obj when segment.Kind == SegmentKind.Wildcard:
                foreach (var (name, member) in obj.ToArray())
                {
                    Collect(new Slot(obj, name, -1, member), path, index + 1, matches);
                }

                break;
            case JsonArray array when segment.Kind == SegmentKind.Index:
                if (segment.Index < array.Count)
                {
                    Collect(new Slot(array, null, segment.Index, array[segment.Index]), path, index + 1, matches);
                }

                break;
            case JsonArray array when segment.Kind == SegmentKind.Wildcard:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(new Slot(array, null, i, array[i]), path, index + 1, matches);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>A place in a JSON tree: the root (no parent), an object member (name) or an array element (index).</summary>
    public readonly record struct Slot(JsonNode? Parent, string? Name, int Index, JsonNode? Value)
    {
        public bool IsRoot => Parent is null;
    }

    private static Segment[] ParseOne(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("A sensitive path must not be empty.", nameof(path));
        }

        var segments = new List<Segment>();
        var i = 0;
        if (path[0] == '$')
        {
            i = 1;
        }
        else
        {
            i = ReadName(path, 0, segments);
        }

        while (i < path.Length)
        {
            var c = path[i];
            if (c == '.')
            {
                i = ReadName(path, i + 1, segments);
            }
            else if (c == '[')
            {
                i = ReadBracket(path, i + 1, segments);
            }
            else
            {
                throw Malformed(path, $"unexpected '{c}' at {i}");
            }
        }

        return [.. segments];
    }

    private static int ReadName(string path, int start, List<Segment> segments)
    {
        if (start < path.Length && path[start] == '*')
        {
            segments.Add(Segment.Wildcard);
            return start + 1;
        }

        var end = start;
        while (end < path.Length && path[end] is not ('.' or '['))
        {
            end++;
        }

        if (end == start)
        {
            throw Malformed(path, $"empty name at {start}");
        }

        segments.Add(Segment.ForName(path[start..end]));
        return end;
    }

    private static int ReadBracket(string path, int start, List<Segment> segments)
    {
        if (start >= path.Length)
        {
            throw Malformed(path, "unclosed '['");
        }

        var c = path[start];
        if (c == '*')
        {
            Expect(path, start + 1, ']');
            segments.Add(Segment.Wildcard);
            return start + 2;
        }

        if (c is '\'' or '"')
        {
            var name = new StringBuilder();
            var i = start + 1;
            while (i < path.Length && path[i] != c)
            {
                if (path[i] == '\\' && i + 1 < path.Length)
                {
                    i++;
                }

                name.Append(path[i]);
                i++;
            }

            Expect(path, i, c);
            Expect(path, i + 1, ']');
            segments.Add(Segment.ForName(name.ToString()));
            return i + 2;
        }

        var close = path.IndexOf(']', start);
        if (close < 0 || !int.TryParse(path.AsSpan(start, close - start), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw Malformed(path, $"expected an index, a quoted name or '*' at {start}");
        }

        segments.Add(Segment.ForIndex(index));
        return close + 1;
    }

    private static void Expect(string path, int at, char expected)
    {
        if (at >= path.Length || path[at] != expected)
        {
            throw Malformed(path, $"expected '{expected}' at {at}");
        }
    }

    private static ArgumentException Malformed(string path, string why) =>
        new($"Malformed sensitive path '{path}': {why}.", nameof(path));

    private enum SegmentKind
    {
        Name,
        Index,
        Wildcard,
    }

    private readonly record struct Segment(SegmentKind Kind, string? Name, int Index)
    {
        public static Segment Wildcard => new(SegmentKind.Wildcard, null, 0);

        public static Segment ForName(string name) => new(SegmentKind.Name, name, 0);

        public static Segment ForIndex(int index) => new(SegmentKind.Index, null, index);
    }
}
