using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Lineage.Privacy;

namespace Warden.Lineage.Tests.Privacy.Reference;

/// <summary>
/// REFERENCE ONLY: the JsonNode-tree redactor as it was before the streaming rewrite, kept verbatim so the
/// differential test can prove the production one byte-identical. Not used by production code.
/// </summary>
internal static class LegacyContextRedactor
{
    /// <summary>The prefix of every redacted value in the redacted JSON.</summary>
    public const string HashPrefix = "hmac-sha256:";

    /// <summary>Shortest tenant key accepted, in bytes.</summary>
    public const int MinimumKeyLength = 16;

    private static readonly byte[] ContextDomain = Encoding.UTF8.GetBytes("warden.context.v1\n");
    private static readonly byte[] ValueDomain = Encoding.UTF8.GetBytes("warden.value.v1\n");
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    /// <summary>Redacts <paramref name="contextJson"/>.</summary>
    /// <param name="contextJson">The context or tool arguments, as JSON (any JSON value; usually an object).</param>
    /// <param name="sensitivePaths">The declared sensitive paths (see <see cref="LegacySensitivePaths"/>).</param>
    /// <param name="tenantKey">The tenant's redaction key.</param>
    /// <exception cref="ArgumentException">The JSON is invalid, or the key is too short.</exception>
    public static RedactedContext Redact(string contextJson, LegacySensitivePaths sensitivePaths, ReadOnlySpan<byte> tenantKey)
    {
        ArgumentNullException.ThrowIfNull(contextJson);
        ArgumentNullException.ThrowIfNull(sensitivePaths);
        CheckKey(tenantKey);

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(contextJson, NodeOptions, ParseOptions);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"The context is not valid JSON: {ex.Message}", nameof(contextJson), ex);
        }

        var digest = Hmac(tenantKey, ContextDomain, root);
        var matches = sensitivePaths.FindMatches(root);
        var replaced = new List<LegacySensitivePaths.Slot>();
        foreach (var slot in matches)
        {
            if (replaced.Any(r => SameSlot(r, slot) || Contains(r.Value, slot)))
            {
                // Already hidden, by this slot or by an enclosing one.
                continue;
            }

            replaced.RemoveAll(r => Contains(slot.Value, r));
            replaced.Add(slot);
        }

        foreach (var slot in replaced)
        {
            var token = JsonValue.Create(HashValue(slot.Value, tenantKey));
            if (slot.IsRoot)
            {
                root = token;
            }
            else if (slot.Parent is JsonObject obj)
            {
                obj[slot.Name!] = token;
            }
            else if (slot.Parent is JsonArray array)
            {
                array[slot.Index] = token;
            }
        }

        return new RedactedContext(ToCanonicalJson(root), digest, replaced.Count);
    }

    /// <summary>Redacts with paths given as text (parsed on each call; prefer the <see cref="LegacySensitivePaths"/> overload).</summary>
    public static RedactedContext Redact(string contextJson, IEnumerable<string> sensitivePaths, ReadOnlySpan<byte> tenantKey) =>
        Redact(contextJson, LegacySensitivePaths.Parse(sensitivePaths), tenantKey);

    /// <summary>
    /// The redacted form (<c>hmac-sha256:...</c>) of one JSON value: lets an operator holding the key check whether a
    /// stored redacted argument had a given value.
    /// </summary>
    public static string HashValue(string valueJson, ReadOnlySpan<byte> tenantKey)
    {
        ArgumentNullException.ThrowIfNull(valueJson);
        CheckKey(tenantKey);
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(valueJson, NodeOptions, ParseOptions);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The value is not valid JSON: {ex.Message}", nameof(valueJson), ex);
        }

        return HashValue(value, tenantKey);
    }

    /// <summary>The canonical JSON of a node (sorted members, no whitespace).</summary>
    public static string ToCanonicalJson(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteCanonical(buffer, node);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string HashValue(JsonNode? value, ReadOnlySpan<byte> tenantKey)
    {
        var hash = Hmac(tenantKey, ValueDomain, value);
        Span<byte> bytes = stackalloc byte[Warden.Lineage.Records.LineageHash.Length];
        hash.CopyTo(bytes);
        return HashPrefix + Base64Url(bytes);
    }

    private static Warden.Lineage.Records.LineageHash Hmac(ReadOnlySpan<byte> key, byte[] domain, JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(domain);
        WriteCanonical(buffer, node);
        return Warden.Lineage.Records.LineageHash.HmacSha256(key, buffer.WrittenSpan);
    }

    private static void WriteCanonical(IBufferWriter<byte> buffer, JsonNode? node)
    {
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false });
        Write(writer, node);
        writer.Flush();
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

    private static bool SameSlot(LegacySensitivePaths.Slot a, LegacySensitivePaths.Slot b) =>
        ReferenceEquals(a.Parent, b.Parent) && a.Index == b.Index && string.Equals(a.Name, b.Name, StringComparison.Ordinal);

    // Whether the slot lies inside the subtree of container (container itself excluded).
    private static bool Contains(JsonNode? container, LegacySensitivePaths.Slot slot)
    {
        if (container is null || slot.IsRoot)
        {
            return false;
        }

        for (var node = slot.Parent; node is not null; node = node.Parent)
        {
            if (ReferenceEquals(node, container))
            {
                return true;
            }
        }

        return false;
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
}
