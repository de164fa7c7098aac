using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Lineage.Records;

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
/// ordinal name (UTF-16 code units, as <see cref="string.CompareOrdinal(string, string)"/>), no insignificant
/// whitespace, strings re-encoded by System.Text.Json's default (escaping) encoder, numbers as written in the input.
/// Duplicate member names are refused. Hash inputs are domain-separated: <c>"warden.context.v1\n"</c> + canonical
/// context for the digest, <c>"warden.value.v1\n"</c> + canonical value for a redacted value.
/// </para>
/// </remarks>
public static class ContextRedactor
{
    /// <summary>The prefix of every redacted value in the redacted JSON.</summary>
    public const string HashPrefix = "hmac-sha256:";

    /// <summary>Shortest tenant key accepted, in bytes.</summary>
    public const int MinimumKeyLength = 16;

    private const int MaxDepth = 64;

    private static readonly byte[] ContextDomain = Encoding.UTF8.GetBytes("warden.context.v1\n");
    private static readonly byte[] ValueDomain = Encoding.UTF8.GetBytes("warden.value.v1\n");
    private static readonly byte[] HashPrefixUtf8 = Encoding.UTF8.GetBytes(HashPrefix);

    // What JsonDocument.Parse used before (MaxDepth 64; comments and trailing commas refused by default).
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    // Refuses unpaired surrogates, as JsonDocument.Parse(string) did.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
        var scratch = Scratch.Rent();
        try
        {
            scratch.Load(contextJson, "context", nameof(contextJson));
            return scratch.Redact(sensitivePaths, tenantKey);
        }
        finally
        {
            Scratch.Return(scratch);
        }
    }

    /// <summary>Redacts a context given as UTF-8 JSON; the same result as the <see cref="string"/> overload for the same text.</summary>
    /// <param name="contextUtf8">The context or tool arguments, as UTF-8 JSON (no byte order mark).</param>
    /// <param name="sensitivePaths">The declared sensitive paths (see <see cref="SensitivePaths"/>).</param>
    /// <param name="tenantKey">The tenant's redaction key.</param>
    /// <exception cref="ArgumentException">The bytes are not valid UTF-8 JSON, or the key is too short.</exception>
    public static RedactedContext Redact(ReadOnlySpan<byte> contextUtf8, SensitivePaths sensitivePaths, ReadOnlySpan<byte> tenantKey)
    {
        ArgumentNullException.ThrowIfNull(sensitivePaths);
        CheckKey(tenantKey);
        var scratch = Scratch.Rent();
        try
        {
            scratch.Load(contextUtf8, "context", nameof(contextUtf8));
            return scratch.Redact(sensitivePaths, tenantKey);
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
        var scratch = Scratch.Rent();
        try
        {
            scratch.Load(valueJson, "value", nameof(valueJson));
            Span<byte> text = stackalloc byte[HashedValueLength];
            scratch.WriteHashedValue(0, tenantKey, text);
            return Encoding.ASCII.GetString(text);
        }
        finally
        {
            Scratch.Return(scratch);
        }
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

    // "hmac-sha256:" and the unpadded base64url of 32 bytes (43 characters).
    private static int HashedValueLength => HashPrefix.Length + 43;

    /// <summary>
    /// Orders two UTF-8 names as <see cref="string.CompareOrdinal(string, string)"/> orders their UTF-16 forms.
    /// </summary>
    /// <remarks>
    /// UTF-8 bytes order by code point, UTF-16 code units do not: a supplementary character (UTF-8 lead byte
    /// 0xF0–0xF4, UTF-16 high surrogate 0xD800–0xDBFF) sorts after U+E000–U+FFFF (lead 0xEE–0xEF) by code point but
    /// before it by code unit. Where the names first differ both are at a character boundary (valid UTF-8, equal
    /// prefix) unless both are continuation bytes of same-length characters, whose orders agree.
    /// </remarks>
    internal static int CompareUtf16Ordinal(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        var common = x.CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length - y.Length;
        }

        int a = x[common];
        int b = y[common];
        if (a >= 0xF0 && b is 0xEE or 0xEF)
        {
            return -1;
        }

        if (b >= 0xF0 && a is 0xEE or 0xEF)
        {
            return 1;
        }

        return a - b;
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

    private static ArgumentException NotJson(string what, string parameter, Exception? inner) =>
        new($"The {what} is not valid JSON: {inner?.Message ?? "not one complete UTF-8 JSON value"}", parameter, inner);

    // How a canonical pass treats the values the sensitive paths name.
    private enum Pass
    {
        // Writes every value; notes whether any path names one (the digest pass).
        Detect,

        // Writes each named value as its keyed hash, without visiting inside it (the redacted copy).
        Redact,

        // Writes every value, no paths (a value being hashed).
        Plain,
    }

    // One JSON value of the parsed context: containers know where their last descendant ends, strings and names
    // point at their unescaped UTF-8 (in the input when it had no escapes, else in the unescaped-strings buffer),
    // numbers at their text as written.
    private struct Token
    {
        public JsonTokenType Type;
        public bool Unescaped;
        public int Start;
        public int Length;

        // The index of the token after this value (and, for a container, after all its descendants).
        public int Next;
    }

    // The per-thread state of one redaction: the context as UTF-8, its tokens, and the output buffers and writers.
    // INVARIANT: everything a call reads is set by its own Load (no state carries from one context to the next), and
    // nothing here is shared between threads or keyed by anything a caller passes (no cache by input).
    private sealed class Scratch
    {
        private const int KeepBytes = 64 * 1024;

        [ThreadStatic]
        private static Scratch? t_cached;

        private readonly ArrayBufferWriter<byte> _canonical = new(1024);
        private readonly ArrayBufferWriter<byte> _redacted = new(1024);
        private readonly ArrayBufferWriter<byte> _value = new(256);
        private readonly Utf8JsonWriter _writer;
        private readonly Utf8JsonWriter _valueWriter;

        private byte[] _input = new byte[1024];
        private int _inputLength;
        private byte[] _strings = new byte[256];
        private int _stringsLength;
        private Token[] _tokens = new Token[64];
        private int _tokenCount;

        // Name tokens of the objects being written, innermost last: each object sorts its own slice.
        private int[] _members = new int[64];
        private int _memberTop;

        private bool _matched;
        private int _redactedCount;

        private Scratch()
        {
            _writer = new Utf8JsonWriter(_canonical, WriterOptions);
            _valueWriter = new Utf8JsonWriter(_value, WriterOptions);
        }

        public static Scratch Rent()
        {
            var scratch = t_cached ?? new Scratch();
            t_cached = null;
            return scratch;
        }

        public static void Return(Scratch scratch)
        {
            // Do not keep buffers a huge context grew.
            if (scratch._input.Length <= KeepBytes && scratch._strings.Length <= KeepBytes && scratch._canonical.Capacity <= KeepBytes
                && scratch._redacted.Capacity <= KeepBytes && scratch._value.Capacity <= KeepBytes && scratch._tokens.Length <= KeepBytes / 16)
            {
                t_cached = scratch;
            }
        }

        public void Load(string json, string what, string parameter)
        {
            var needed = json.Length <= 16 * 1024 ? StrictUtf8.GetMaxByteCount(json.Length) : GetByteCount(json, what, parameter);
            if (_input.Length < needed)
            {
                _input = new byte[Math.Max(needed, _input.Length * 2)];
            }

            try
            {
                _inputLength = StrictUtf8.GetBytes(json, 0, json.Length, _input, 0);
            }
            catch (EncoderFallbackException ex)
            {
                throw NotJson(what, parameter, ex);
            }

            Tokenize(what, parameter);
        }

        public void Load(ReadOnlySpan<byte> utf8, string what, string parameter)
        {
            // The reader does not check the UTF-8 inside strings; the canonical writer must only ever see valid text.
            if (!System.Text.Unicode.Utf8.IsValid(utf8))
            {
                throw NotJson(what, parameter, null);
            }

            if (_input.Length < utf8.Length)
            {
                _input = new byte[Math.Max(utf8.Length, _input.Length * 2)];
            }

            utf8.CopyTo(_input);
            _inputLength = utf8.Length;
            Tokenize(what, parameter);
        }

        public RedactedContext Redact(SensitivePaths paths, ReadOnlySpan<byte> key)
        {
            // The digest pass: the canonical context, noting whether a path names any value of it.
            _matched = false;
            _canonical.ResetWrittenCount();
            _canonical.Write(ContextDomain);
            _writer.Reset(_canonical);
            WriteValue(_writer, 0, paths.Roots, Pass.Detect, paths, key);
            _writer.Flush();
            var digest = LineageHash.HmacSha256(key, _canonical.WrittenSpan);
            if (!_matched)
            {
                // Nothing to hide: the redacted copy IS the canonical context.
                return new RedactedContext(Encoding.UTF8.GetString(_canonical.WrittenSpan[ContextDomain.Length..]), digest, 0);
            }

            _redactedCount = 0;
            _redacted.ResetWrittenCount();
            _writer.Reset(_redacted);
            WriteValue(_writer, 0, paths.Roots, Pass.Redact, paths, key);
            _writer.Flush();
            return new RedactedContext(Encoding.UTF8.GetString(_redacted.WrittenSpan), digest, _redactedCount);
        }

        // Writes "hmac-sha256:<base64url>" of the value at token `index` into `text` (HashedValueLength bytes).
        public void WriteHashedValue(int index, ReadOnlySpan<byte> key, Span<byte> text)
        {
            _value.ResetWrittenCount();
            _value.Write(ValueDomain);
            _valueWriter.Reset(_value);
            WriteValue(_valueWriter, index, default, Pass.Plain, null, key);
            _valueWriter.Flush();
            var hash = LineageHash.HmacSha256(key, _value.WrittenSpan);
            Span<byte> digest = stackalloc byte[LineageHash.Length];
            hash.CopyTo(digest);
            HashPrefixUtf8.CopyTo(text);
            Base64Url.EncodeToUtf8(digest, text[HashPrefixUtf8.Length..]);
        }

        private static int GetByteCount(string json, string what, string parameter)
        {
            try
            {
                return StrictUtf8.GetByteCount(json);
            }
            catch (EncoderFallbackException ex)
            {
                throw NotJson(what, parameter, ex);
            }
        }

        // One pass of Utf8JsonReader over the whole input: validates it (as JsonDocument.Parse did, same reader and
        // options) and records its values. Duplicate names are refused later, when each object is sorted.
        private void Tokenize(string what, string parameter)
        {
            _tokenCount = 0;
            _stringsLength = 0;
            _memberTop = 0;
            var input = _input.AsSpan(0, _inputLength);
            Span<int> open = stackalloc int[MaxDepth + 1];
            var depth = 0;
            try
            {
                var reader = new Utf8JsonReader(input, ReaderOptions);
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject:
                        case JsonTokenType.StartArray:
                            open[depth++] = Add(reader.TokenType, false, 0, 0);
                            break;
                        case JsonTokenType.EndObject:
                        case JsonTokenType.EndArray:
                            _tokens[open[--depth]].Next = _tokenCount;
                            break;
                        case JsonTokenType.PropertyName:
                        case JsonTokenType.String:
                            AddString(ref reader, input);
                            break;
                        case JsonTokenType.Number:
                            input.Overlaps(reader.ValueSpan, out var at);
                            Add(JsonTokenType.Number, false, at, reader.ValueSpan.Length);
                            break;
                        default:
                            // true, false, null
                            Add(reader.TokenType, false, 0, 0);
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
            {
                // InvalidOperationException: an escaped unpaired surrogate (\ud800) that cannot be unescaped.
                throw NotJson(what, parameter, ex);
            }

            // The reader refuses text without a value; this only keeps a stale token from ever being read.
            if (_tokenCount == 0 || depth != 0)
            {
                throw NotJson(what, parameter, null);
            }
        }

        private void AddString(ref Utf8JsonReader reader, ReadOnlySpan<byte> input)
        {
            if (!reader.ValueIsEscaped)
            {
                input.Overlaps(reader.ValueSpan, out var at);
                Add(reader.TokenType, false, at, reader.ValueSpan.Length);
                return;
            }

            // Unescaped text is never longer than its escaped form.
            var room = reader.ValueSpan.Length;
            if (_strings.Length - _stringsLength < room)
            {
                Array.Resize(ref _strings, Math.Max(_stringsLength + room, _strings.Length * 2));
            }

            var written = reader.CopyString(_strings.AsSpan(_stringsLength));
            Add(reader.TokenType, true, _stringsLength, written);
            _stringsLength += written;
        }

        private int Add(JsonTokenType type, bool unescaped, int start, int length)
        {
            if (_tokenCount == _tokens.Length)
            {
                Array.Resize(ref _tokens, _tokens.Length * 2);
            }

            var index = _tokenCount++;
            _tokens[index] = new Token { Type = type, Unescaped = unescaped, Start = start, Length = length, Next = index + 1 };
            return index;
        }

        private ReadOnlySpan<byte> Text(int index)
        {
            ref readonly var token = ref _tokens[index];
            return token.Unescaped ? _strings.AsSpan(token.Start, token.Length) : _input.AsSpan(token.Start, token.Length);
        }

        // INVARIANT: byte-identical to the former JsonDocument writer (and the JsonNode one before it): members sorted
        // by UTF-16 ordinal name, names and strings written unescaped through Utf8JsonWriter (its default encoder
        // escapes them), numbers as written. Pinned by the differential test against the reference implementation.
        private void WriteValue(Utf8JsonWriter writer, int index, ReadOnlySpan<SensitivePaths.Cursor> cursors, Pass pass, SensitivePaths? paths, ReadOnlySpan<byte> key)
        {
            if (!cursors.IsEmpty && paths!.IsMatch(cursors))
            {
                if (pass == Pass.Redact)
                {
                    // The value and its whole subtree become one hash, counted once.
                    Span<byte> text = stackalloc byte[HashedValueLength];
                    WriteHashedValue(index, key, text);
                    writer.WriteStringValue(text);
                    _redactedCount++;
                    return;
                }

                _matched = true;
                cursors = default;
            }

            var token = _tokens[index];
            switch (token.Type)
            {
                case JsonTokenType.StartObject:
                    WriteObject(writer, index, cursors, pass, paths, key);
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    Span<SensitivePaths.Cursor> next = cursors.IsEmpty ? default
                        : cursors.Length <= 16 ? stackalloc SensitivePaths.Cursor[cursors.Length] : new SensitivePaths.Cursor[cursors.Length];
                    var position = 0;
                    for (var item = index + 1; item < token.Next; item = _tokens[item].Next)
                    {
                        var count = next.IsEmpty ? 0 : paths!.StepIntoElement(cursors, position, next);
                        WriteValue(writer, item, next[..count], pass, paths, key);
                        position++;
                    }

                    writer.WriteEndArray();
                    break;
                case JsonTokenType.String:
                    writer.WriteStringValue(Text(index));
                    break;
                case JsonTokenType.Number:
                    writer.WriteRawValue(Text(index), skipInputValidation: true);
                    break;
                case JsonTokenType.True:
                    writer.WriteBooleanValue(true);
                    break;
                case JsonTokenType.False:
                    writer.WriteBooleanValue(false);
                    break;
                default:
                    writer.WriteNullValue();
                    break;
            }
        }

        private void WriteObject(Utf8JsonWriter writer, int index, ReadOnlySpan<SensitivePaths.Cursor> cursors, Pass pass, SensitivePaths? paths, ReadOnlySpan<byte> key)
        {
            // This object's member names go on top of the member stack; inner objects use the slots above them.
            var first = _memberTop;
            var end = _tokens[index].Next;
            for (var name = index + 1; name < end; name = _tokens[name + 1].Next)
            {
                if (_memberTop == _members.Length)
                {
                    Array.Resize(ref _members, _members.Length * 2);
                }

                _members[_memberTop++] = name;
            }

            var last = _memberTop;
            try
            {
                SortMembers(first, last);
                Span<SensitivePaths.Cursor> next = cursors.IsEmpty ? default
                    : cursors.Length <= 16 ? stackalloc SensitivePaths.Cursor[cursors.Length] : new SensitivePaths.Cursor[cursors.Length];
                writer.WriteStartObject();
                for (var m = first; m < last; m++)
                {
                    var name = _members[m];
                    var text = Text(name);
                    writer.WritePropertyName(text);
                    var count = next.IsEmpty ? 0 : paths!.StepIntoMember(cursors, text, next);
                    WriteValue(writer, name + 1, next[..count], pass, paths, key);
                }

                writer.WriteEndObject();
            }
            finally
            {
                _memberTop = first;
            }
        }

        // Sorts members[first..last) by name; refuses a duplicate name (after unescaping, as JsonDocument did).
        private void SortMembers(int first, int last)
        {
            var sorted = true;
            for (var m = first + 1; m < last; m++)
            {
                if (CompareUtf16Ordinal(Text(_members[m - 1]), Text(_members[m])) >= 0)
                {
                    sorted = false;
                    break;
                }
            }

            if (sorted)
            {
                return;
            }

            _members.AsSpan(first, last - first).Sort(new NameOrder(this));
            for (var m = first + 1; m < last; m++)
            {
                if (Text(_members[m - 1]).SequenceEqual(Text(_members[m])))
                {
                    throw new ArgumentException("The context is not valid JSON: a member name appears twice in one object.", "contextJson");
                }
            }
        }

        private readonly struct NameOrder(Scratch scratch) : IComparer<int>
        {
            public int Compare(int x, int y) => CompareUtf16Ordinal(scratch.Text(x), scratch.Text(y));
        }
    }
}
