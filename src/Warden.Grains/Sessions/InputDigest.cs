using System.Text;
using Org.BouncyCastle.Crypto.Digests;

namespace Warden.Grains.Sessions;

/// <summary>The digest of a decision's tool arguments, as its events and approvals carry it.</summary>
/// <remarks>
/// SHA-256 computed by BouncyCastle's managed implementation, not the platform's (OpenSSL on Linux): the digest is on
/// every decision's path, and there the platform's first hash of a request cost ~4 µs (its code cold after the rest
/// of the request ran; ~1 µs warm), the managed one ~1 µs. The same function either way (tests hold it to
/// <see cref="System.Security.Cryptography.SHA256"/>); nothing secret is hashed.
/// </remarks>
internal static class InputDigest
{
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

        var digest = t_digest ??= new Sha256Digest();
        digest.Reset();
        Span<byte> hash = stackalloc byte[HashLength];

        // Per decision: small arguments are hashed from the stack, without a byte array per call.
        if (json.Length <= 256)
        {
            Span<byte> utf8 = stackalloc byte[json.Length * 3];
            digest.BlockUpdate(utf8[..Encoding.UTF8.GetBytes(json, utf8)]);
        }
        else
        {
            digest.BlockUpdate(Encoding.UTF8.GetBytes(json));
        }

        digest.DoFinal(hash);
        return Convert.ToHexStringLower(hash);
    }
}
