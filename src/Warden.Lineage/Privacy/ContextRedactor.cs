using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warden.Lineage.Privacy;

/// <summary>
/// Keeps sensitive tool arguments out of lineage: takes the evaluation context (or the tool arguments) as JSON and
/// the paths declared sensitive, and returns the digest of the whole context and a redacted copy in which each
/// sensitive value is only a keyed hash. Put the result in <see cref="Records.LineageEvent.ContextDigest"/> and
/// <see cref="Records.LineageEvent.RedactedContext"/>.
/// </summary>
/// <remarks>
/// <para>
/// Hashes are HMAC-SHA256 under a per-tenant key the caller supplies (at least <see cref="MinimumKeyLength"/>
/// bytes; 32 random bytes recommended, kept outside the lineage store). A plain hash of a low-entropy secret (a PIN,
/// a short password) could be brute-forced from the log; a keyed one cannot without the key. The same value under the
/// same key always hashes the same, so an operator holding the key can check whether an argument had a given value.
/// </para>
/// <para>
/// Canonical JSON (what is hashed, and the form of <see cref="RedactedContext.Json"/>): object members sorted by
/// ordinal name, no insignificant whitespace, strings re-encoded by System.Text.Json's default (escaping) encoder,
/// numbers as written in the input. Duplicate member names are refused. Hash inputs are domain-separated:
/// <c>"warden.context.v1\n"</c> + canonical context for the digest, <c>"warden.value.v1\n"</c> + canonical value for
/// a redacted value.
/// </para>
/// </remarks>
public static class ContextRedactor
{
    /// <summary>The prefix of every redacted value in the redacted JSON.</summary>
    public const string HashPrefix = "hmac-sha256:";

    /// <summary>Shortest tenant key accepted, in bytes.</summary>
    public const int MinimumKeyLength = 16;

    private static readonly byte[] ContextDomain = Encoding.UTF8.GetBytes("warden.context.v1\n");
    private static readonly byte[] ValueDomain = Encoding.UTF8.GetBytes("warden.value.v1\n");
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    /// <summary>Redacts <paramref name="contextJson"/>.</summary>
    /// <param name="contextJson">The context or tool arguments, as JSON (any JSON value; usually an object).</param>
    /// <param name="sensitivePaths">The declared sensitive paths (see <see cref="SensitivePaths"/>).</param>
    /// <param name="tenantKey">The tenant's redaction key.</param>
    /// <exception cref="ArgumentException">The JSON is invalid, or the key is too short.</exception>
    public static RedactedContext Redact(string contextJson, SensitivePaths sensitivePaths, ReadOnlySpan<byte> tenantKey)
    {
        ArgumentNullException.ThrowIfNull(contextJson);
        ArgumentNullException.ThrowIfNull(sensitivePaths);
        CheckKey(tenantKey);

        // Streams over a pooled JsonDocument (no JsonNode tree): one canonical pass for the digest, and a second one
        // with replacements only when a declared path actually names a value of this context.
        using var document = Parse(contextJson, "context", nameof(contextJson));
        var root = document.RootElement;
        var scratch = Scratch.Rent();
        try
        {
            var buffer = scratch.Buffer;
            buffer.Write(ContextDomain);
            scratch.WriteCanonical(root, default, null);
            var digest = Records.LineageHash.HmacSha256(tenantKey, buffer.WrittenSpan);
            var canonical = buffer.WrittenSpan[ContextDomain.Length..];
            if (sensitivePaths.IsEmpty || !AnyMatch(sensitivePaths, root, sensitivePaths.RootCursors()))
            {
                // Nothing to hide: the redacted copy IS the canonical context.
                return new RedactedContext(Encoding.UTF8.GetString(canonical), digest, 0);
            }

            var redactedWriter = new ArrayBufferWriter<byte>(canonical.Length + 64);
            var redaction = new Redaction(sensitivePaths, tenantKey.ToArray());
            scratch.WriteCanonical(redactedWriter, root, redaction);
            return new RedactedContext(Encoding.UTF8.GetString(redactedWriter.WrittenSpan), digest, redaction.Count);
        }
        finally
        {
            Scratch.Return(scratch);
        }
    }

    /// <summary>Redacts with paths given as text (parsed on each call; prefer the <see cref="SensitivePaths"/> overload).</summary>
    public static RedactedContext Redact(string contextJson, IEnumerable<string> sensitivePaths, ReadOnlySpan<byte> tenantKey) =>
        Redact(contextJson, SensitivePaths.Parse(sensitivePaths), tenantKey);

    /// <summary>
    /// The redacted form (<c>hmac-sha256:...</c>) of one JSON value: lets an operator holding the key check whether a
    /// stored redacted argument had a given value.
    /// </summary>
    public static string HashValue(string valueJson, ReadOnlySpan<byte> tenantKey)
    {
        ArgumentNullException.ThrowIfNull(valueJson);
        CheckKey(tenantKey);
        using var document = Parse(valueJson, "value", nameof(valueJson));
        return HashValue(document.RootElement, tenantKey);
    }

    /// <summary>The canonical JSON of a node (sorted members, no whitespace).</summary>
    public static string ToCanonicalJson(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonDocument Parse(string json, string what, string parameter)
    {
        try
        {
            return JsonDocument.Parse(json, ParseOptions);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"The {what} is not valid JSON: {ex.Message}", parameter, ex);
        }
    }

    private static string HashValue(JsonElement value, ReadOnlySpan<byte> tenantKey)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        buffer.Write(ValueDomain);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteCanonical(writer, value, default, null);
        }

        var hash = Records.LineageHash.HmacSha256(tenantKey, buffer.WrittenSpan);
        Span<byte> bytes = stackalloc byte[Records.LineageHash.Length];
        hash.CopyTo(bytes);
        return HashPrefix + Base64Url(bytes);
    }

    // Whether any declared path names a value of this context (walks only where some path is still alive).
    private static bool AnyMatch(SensitivePaths paths, JsonElement element, ReadOnlySpan<SensitivePaths.Cursor> cursors)
    {
        if (cursors.IsEmpty)
        {
            return false;
        }

        if (paths.IsMatch(cursors))
        {
            return true;
        }

        Span<SensitivePaths.Cursor> next = cursors.Length <= 16 ? stackalloc SensitivePaths.Cursor[cursors.Length] : new SensitivePaths.Cursor[cursors.Length];
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    var count = paths.StepIntoMember(cursors, member, next);
                    if (count > 0 && AnyMatch(paths, member.Value, next[..count]))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var count = paths.StepIntoElement(cursors, index++, next);
                    if (count > 0 && AnyMatch(paths, item, next[..count]))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    // Canonical form of an element; with a redaction, a value some path names is written as its keyed hash instead
    // (and its subtree is not visited, so an enclosing match hides the values inside it and counts once).
    // INVARIANT: byte-identical to the former JsonNode-tree writer: members sorted by ordinal name, names written by
    // Utf8JsonWriter.WritePropertyName(string), leaves by JsonElement.WriteTo (which is what JsonNode's parsed values
    // delegate to). Pinned by the differential test against the reference implementation.
    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element, ReadOnlySpan<SensitivePaths.Cursor> cursors, Redaction? redaction)
    {
        if (redaction is not null && !cursors.IsEmpty && redaction.Paths.IsMatch(cursors))
        {
            writer.WriteStringValue(HashValue(element, redaction.Key));
            redaction.Count++;
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(writer, element, cursors, redaction);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                Span<SensitivePaths.Cursor> next = redaction is null || cursors.IsEmpty ? default
                    : cursors.Length <= 16 ? stackalloc SensitivePaths.Cursor[cursors.Length] : new SensitivePaths.Cursor[cursors.Length];
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var count = next.IsEmpty ? 0 : redaction!.Paths.StepIntoElement(cursors, index, next);
                    WriteCanonical(writer, item, next[..count], redaction);
                    index++;
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, JsonElement element, ReadOnlySpan<SensitivePaths.Cursor> cursors, Redaction? redaction)
    {
        var length = element.GetPropertyCount();
        var members = ArrayPool<Member>.Shared.Rent(length);
        try
        {
            var n = 0;
            var sorted = true;
            foreach (var property in element.EnumerateObject())
            {
                members[n] = new Member(property.Name, property);
                sorted &= n == 0 || string.CompareOrdinal(members[n - 1].Name, property.Name) < 0;
                n++;
            }

            if (!sorted)
            {
                Array.Sort(members, 0, n, MemberOrder.Instance);
            }

            Span<SensitivePaths.Cursor> next = redaction is null || cursors.IsEmpty ? default
                : cursors.Length <= 16 ? stackalloc SensitivePaths.Cursor[cursors.Length] : new SensitivePaths.Cursor[cursors.Length];
            writer.WriteStartObject();
            for (var i = 0; i < n; i++)
            {
                writer.WritePropertyName(members[i].Name);
                var count = next.IsEmpty ? 0 : redaction!.Paths.StepIntoMember(cursors, members[i].Property, next);
                WriteCanonical(writer, members[i].Property.Value, next[..count], redaction);
            }

            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<Member>.Shared.Return(members, clearArray: true);
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, child) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, child);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var child in array)
                {
                    Write(writer, child);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"The tenant redaction key must be at least {MinimumKeyLength} bytes.", nameof(key));
        }
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private readonly record struct Member(string Name, JsonProperty Property);

    private sealed class MemberOrder : IComparer<Member>
    {
        public static readonly MemberOrder Instance = new();

        public int Compare(Member x, Member y) => string.CompareOrdinal(x.Name, y.Name);
    }

    // What a redacting pass needs: the paths, the key (copied: a span cannot live on the heap), and the count.
    private sealed class Redaction(SensitivePaths paths, byte[] key)
    {
        public SensitivePaths Paths { get; } = paths;

        public byte[] Key { get; } = key;

        public int Count { get; set; }
    }

    // A per-thread buffer and writer for the digest pass, so a decision allocates neither.
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? t_cached;

        private readonly Utf8JsonWriter _writer;

        private Scratch()
        {
            _writer = new Utf8JsonWriter(Buffer, WriterOptions);
        }

        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public static Scratch Rent()
        {
            var scratch = t_cached ?? new Scratch();
            t_cached = null;
            return scratch;
        }

        public static void Return(Scratch scratch)
        {
            // Do not keep a buffer a huge context grew.
            if (scratch.Buffer.Capacity <= 64 * 1024)
            {
                scratch.Buffer.ResetWrittenCount();
                t_cached = scratch;
            }
        }

        public void WriteCanonical(JsonElement element, ReadOnlySpan<SensitivePaths.Cursor> cursors, Redaction? redaction)
        {
            _writer.Reset(Buffer);
            ContextRedactor.WriteCanonical(_writer, element, cursors, redaction);
            _writer.Flush();
        }

        public void WriteCanonical(IBufferWriter<byte> target, JsonElement element, Redaction redaction)
        {
            _writer.Reset(target);
            ContextRedactor.WriteCanonical(_writer, element, redaction.Paths.RootCursors(), redaction);
            _writer.Flush();
            _writer.Reset(Buffer);
        }
    }
}
