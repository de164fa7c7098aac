using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;

namespace Warden.Grains.Sessions;

/// <summary>The digest of a decision's tool arguments, as its events and approvals carry it.</summary>
/// <remarks>
/// Arguments of up to <see cref="ManagedMaxChars"/> characters (most tool calls) are hashed by BouncyCastle's managed
/// SHA-256, not the platform's (OpenSSL on Linux): the digest is on every decision's path, and there the platform's
/// first hash of a request cost ~4 µs (its code cold after the rest of the request ran; ~1 µs warm), the managed one
/// ~1 µs. Longer arguments (up to 64 KiB) go to the platform, whose hardware-accelerated hash is several times faster
/// per byte than the managed one. The same function either way (tests hold both paths to
/// <see cref="System.Security.Cryptography.SHA256"/>); nothing secret is hashed.
/// </remarks>
internal static class InputDigest
{
    /// <summary>The longest arguments (in UTF-16 characters) hashed by the managed SHA-256.</summary>
    internal const int ManagedMaxChars = 256;

    private const int HashLength = 32;

    // One digest per thread, reset before each use: its state is the only thing it keeps between calls.
    [ThreadStatic]
    private static Sha256Digest? t_digest;

    /// <summary>Lowercase hex SHA-256 of the UTF-8 of <paramref name="json"/> as received; empty for none.</summary>
    /// <param name="json">The tool-argument JSON, or null.</param>
    public static string Of(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return string.Empty;
        }

        Span<byte> hash = stackalloc byte[HashLength];
        if (json.Length > ManagedMaxChars)
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(json), hash);
            return Convert.ToHexStringLower(hash);
        }

        // Small arguments are hashed from the stack, without a byte array per call.
        var digest = t_digest ??= new Sha256Digest();
        digest.Reset();
        Span<byte> utf8 = stackalloc byte[json.Length * 3];
        digest.BlockUpdate(utf8[..Encoding.UTF8.GetBytes(json, utf8)]);
        digest.DoFinal(hash);
        return Convert.ToHexStringLower(hash);
    }
}
