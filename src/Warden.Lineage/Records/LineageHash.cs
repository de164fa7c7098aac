using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Warden.Lineage.Records;

/// <summary>
/// A 32-byte digest (SHA-256 for record hashes, HMAC-SHA256 for context digests) held as a value:
/// no allocation, cheap equality, lower-case hex as its text form.
/// </summary>
public readonly struct LineageHash : IEquatable<LineageHash>
{
    /// <summary>Length of the digest in bytes.</summary>
    public const int Length = 32;

    // Big-endian words of the digest: byte 0 is the most significant byte of _a.
    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private LineageHash(ulong a, ulong b, ulong c, ulong d)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
    }

    /// <summary>The all-zero digest: the previous hash of every tenant's first record (the genesis link).</summary>
    public static LineageHash Zero => default;

    /// <summary>Whether this is the all-zero digest.</summary>
    public bool IsZero => (_a | _b | _c | _d) == 0;

    /// <summary>Builds a digest from exactly 32 bytes.</summary>
    /// <exception cref="ArgumentException">The span is not 32 bytes long.</exception>
    public static LineageHash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A lineage hash is {Length} bytes, got {bytes.Length}.", nameof(bytes));
        }

        return new LineageHash(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    /// <summary>The SHA-256 of <paramref name="data"/>.</summary>
    public static LineageHash Sha256(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Length];
        ThreadSha256.Compute(data, digest);
        return FromBytes(digest);
    }

    /// <summary>The HMAC-SHA256 of <paramref name="data"/> under <paramref name="key"/>.</summary>
    public static LineageHash HmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Length];
        KeyedHmac.For(key).Compute(data, digest);
        return FromBytes(digest);
    }

    /// <summary>Parses 64 hex digits (either case).</summary>
    /// <exception cref="FormatException">The text is not 64 hex digits.</exception>
    public static LineageHash Parse(string hex)
    {
        if (!TryParse(hex, out var hash))
        {
            throw new FormatException("A lineage hash is 64 hex digits.");
        }

        return hash;
    }

    /// <summary>Parses 64 hex digits (either case); false when the text is anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out LineageHash hash)
    {
        hash = default;
        if (hex is null || hex.Length != Length * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Length)
        {
            return false;
        }

        hash = FromBytes(bytes);
        return true;
    }

    /// <summary>Writes the 32 bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"The destination needs {Length} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>The 32 bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>The digest as 64 lower-case hex digits.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc />
    public bool Equals(LineageHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LineageHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>Value equality.</summary>
    public static bool operator ==(LineageHash left, LineageHash right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(LineageHash left, LineageHash right) => !left.Equals(right);

    // A SHA-256 context kept per thread and reset after each use: the one-shot SHA256.HashData allocates, initialises
    // and frees an OpenSSL context (and clears OpenSSL's error queue) on every call, about a fifth of the ~0.75 µs a
    // 470-byte record costs. The digest is the same SHA-256 either way (the chain tests pin the values).
    private static class ThreadSha256
    {
        [ThreadStatic]
        private static IncrementalHash? t_sha256;

        public static void Compute(ReadOnlySpan<byte> data, Span<byte> digest)
        {
            var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            try
            {
                sha.AppendData(data);
                sha.GetHashAndReset(digest);
            }
            catch
            {
                // INVARIANT: a kept context never holds a partial input: after any failure it is not used again.
                t_sha256 = null;
                sha.Dispose();
                throw;
            }
        }
    }

    // The HMAC of the key used last on this thread, kept keyed: every decision's context digest is under its tenant's
    // key, and a one-shot HMAC sets the key up again each time (about 1 µs of the 1.7 µs a 100-byte context costs).
    private sealed class KeyedHmac : IDisposable
    {
        [ThreadStatic]
        private static KeyedHmac? t_last;

        private readonly byte[] _key;
        private readonly IncrementalHash _hmac;

        private KeyedHmac(byte[] key)
        {
            _key = key;
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        }

        public static KeyedHmac For(ReadOnlySpan<byte> key)
        {
            if (t_last is { } last && key.SequenceEqual(last._key))
            {
                return last;
            }

            var made = new KeyedHmac(key.ToArray());
            t_last?.Dispose();
            t_last = made;
            return made;
        }

        public void Compute(ReadOnlySpan<byte> data, Span<byte> digest)
        {
            try
            {
                _hmac.AppendData(data);
                _hmac.GetHashAndReset(digest);
            }
            catch
            {
                // INVARIANT: a cached HMAC never holds a partial input: after any failure it is not used again.
                t_last = null;
                Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            CryptographicOperations.ZeroMemory(_key);
            _hmac.Dispose();
        }
    }
}
