using System.Globalization;
using System.Text;

namespace Warden.Lineage.Privacy;

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
public sealed class SensitivePaths
{
    private readonly Segment[][] _paths;
    private readonly Cursor[] _roots;

    private SensitivePaths(Segment[][] paths, IReadOnlyList<string> text)
    {
        _paths = paths;
        Paths = text;
        _roots = new Cursor[paths.Length];
        for (var p = 0; p < paths.Length; p++)
        {
            _roots[p] = new Cursor(p, 0);
        }
    }

    /// <summary>The empty set: nothing is sensitive.</summary>
    public static SensitivePaths None { get; } = new([], []);

    /// <summary>The paths as given.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Parses paths.</summary>
    /// <exception cref="ArgumentException">A path is malformed (the message quotes it).</exception>
    public static SensitivePaths Parse(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var text = paths.ToArray();
        return new SensitivePaths(text.Select(ParseOne).ToArray(), text);
    }

    /// <summary>Whether no path is declared (then nothing can match and a context needs no redacted copy).</summary>
    internal bool IsEmpty => _paths.Length == 0;

    // The cursors at the root of a context: every path at its first segment (empty when no path is declared).
    internal ReadOnlySpan<Cursor> Roots => _roots;

    // Whether a value reached with these cursors is named by a path (some cursor has consumed its whole path).
    internal bool IsMatch(ReadOnlySpan<Cursor> cursors)
    {
        foreach (var cursor in cursors)
        {
            if (cursor.Segment == _paths[cursor.Path].Length)
            {
                return true;
            }
        }

        return false;
    }

    // The cursors that continue into the member `name` of an object: paths whose next segment is that name or '*'.
    // INVARIANT: same rule as a JSONPath step (names case-sensitive, '*' takes every member); an index never names
    // an object member.
    // `name` is the member's name as unescaped UTF-8.
    internal int StepIntoMember(ReadOnlySpan<Cursor> cursors, ReadOnlySpan<byte> name, Span<Cursor> next)
    {
        var count = 0;
        foreach (var cursor in cursors)
        {
            var path = _paths[cursor.Path];
            if (cursor.Segment == path.Length)
            {
                continue;
            }

            var segment = path[cursor.Segment];
            if (segment.Kind == SegmentKind.Wildcard || (segment.Kind == SegmentKind.Name && segment.Utf8 is { } utf8 && name.SequenceEqual(utf8)))
            {
                next[count++] = new Cursor(cursor.Path, cursor.Segment + 1);
            }
        }

        return count;
    }

    // The cursors that continue into element `index` of an array: paths whose next segment is that index or '*'.
    internal int StepIntoElement(ReadOnlySpan<Cursor> cursors, int index, Span<Cursor> next)
    {
        var count = 0;
        foreach (var cursor in cursors)
        {
            var path = _paths[cursor.Path];
            if (cursor.Segment == path.Length)
            {
                continue;
            }

            var segment = path[cursor.Segment];
            if (segment.Kind == SegmentKind.Wildcard || (segment.Kind == SegmentKind.Index && segment.Index == index))
            {
                next[count++] = new Cursor(cursor.Path, cursor.Segment + 1);
            }
        }

        return count;
    }

    /// <summary>A position within one path: <see cref="Segment"/> segments of path <see cref="Path"/> consumed so far.</summary>
    internal readonly record struct Cursor(int Path, int Segment);

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

    // Utf8: a name segment's name as UTF-8; null for a name that has none (an unpaired surrogate), which, as with
    // JsonProperty.NameEquals before, matches no member.
    private readonly record struct Segment(SegmentKind Kind, string? Name, byte[]? Utf8, int Index)
    {
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        public static Segment Wildcard => new(SegmentKind.Wildcard, null, null, 0);

        public static Segment ForName(string name) => new(SegmentKind.Name, name, ToUtf8(name), 0);

        public static Segment ForIndex(int index) => new(SegmentKind.Index, null, null, index);

        private static byte[]? ToUtf8(string name)
        {
            try
            {
                return StrictUtf8.GetBytes(name);
            }
            catch (EncoderFallbackException)
            {
                return null;
            }
        }
    }
}
