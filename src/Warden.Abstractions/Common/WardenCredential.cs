using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Warden;

/// <summary>
/// A credential token as handed to an agent or operator once. It is self-describing so the edge knows which grain
/// verifies it: <c>wdn1.{kind}.{base64url(tenant)}.{base64url(subject)}.{base64url(secret)}</c>, where kind is
/// <c>a</c> (agent; subject = agent id) or <c>o</c> (tenant operator; subject = operator credential id) and the
/// secret is 32 random bytes. Warden stores only the SHA-256 of the secret and compares in constant time; the
/// secret has 256 bits of entropy, so a fast hash is sufficient (no password stretching is needed).
/// </summary>
/// <param name="Kind">Whose credential it is.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="SubjectId">The agent id or operator credential id.</param>
/// <param name="Secret">The secret bytes (never logged, never stored).</param>
public readonly record struct WardenCredential(CredentialKind Kind, string TenantId, string SubjectId, ReadOnlyMemory<byte> Secret)
{
    private const string Prefix = "wdn1";

    /// <summary>Length of a secret in bytes.</summary>
    public const int SecretLength = 32;

    /// <summary>A new credential with a fresh random secret.</summary>
    /// <param name="kind">Whose credential it is.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subjectId">The agent id or operator credential id.</param>
    public static WardenCredential Create(CredentialKind kind, string tenantId, string subjectId) =>
        new(kind, tenantId, subjectId, RandomNumberGenerator.GetBytes(SecretLength));

    /// <summary>The token to hand over (once).</summary>
    public string ToToken() =>
        string.Join('.', Prefix, Kind == CredentialKind.Agent ? "a" : "o",
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(TenantId)),
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(SubjectId)),
            Base64Url.EncodeToString(Secret.Span));

    /// <summary>The SHA-256 of the secret: what Warden stores.</summary>
    public byte[] HashSecret() => SHA256.HashData(Secret.Span);

    /// <summary>True when the secret hashes to <paramref name="storedHash"/> (constant-time comparison).</summary>
    /// <param name="storedHash">The stored SHA-256.</param>
    public bool Matches(ReadOnlySpan<byte> storedHash)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Secret.Span, hash);
        return storedHash.Length == SHA256.HashSizeInBytes && CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }

    /// <summary>Parses a token; false on any malformation (the caller answers Unauthenticated without saying why).</summary>
    /// <param name="token">The presented token.</param>
    /// <param name="credential">The parsed credential.</param>
    public static bool TryParse(string? token, out WardenCredential credential)
    {
        credential = default;
        if (string.IsNullOrEmpty(token) || token.Length > WardenLimits.MaxCredentialLength)
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 5 || parts[0] != Prefix)
        {
            return false;
        }

        CredentialKind kind;
        switch (parts[1])
        {
            case "a":
                kind = CredentialKind.Agent;
                break;
            case "o":
                kind = CredentialKind.Operator;
                break;
            default:
                return false;
        }

        if (!TryDecodeText(parts[2], out var tenant) || !TryDecodeText(parts[3], out var subject))
        {
            return false;
        }

        byte[] secret;
        try
        {
            secret = Base64Url.DecodeFromChars(parts[4]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (secret.Length != SecretLength || !WardenIds.IsValidName(tenant) || !WardenIds.IsValidName(subject))
        {
            return false;
        }

        credential = new WardenCredential(kind, tenant, subject, secret);
        return true;
    }

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"{Kind}:{TenantId}/{SubjectId}";

    private static bool TryDecodeText(string part, out string text)
    {
        text = string.Empty;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(part));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>Whose credential a token is.</summary>
public enum CredentialKind
{
    /// <summary>An agent's credential, verified by its agent grain.</summary>
    Agent = 0,

    /// <summary>A tenant operator credential, verified by the tenant grain.</summary>
    Operator = 1,
}

/// <summary>A credential as issued: the token, shown once and never again.</summary>
/// <param name="CredentialId">The id under which the hash is stored (agent id for agents).</param>
/// <param name="Token">The full token (<see cref="WardenCredential.ToToken"/>). Store it safely; Warden keeps only a hash.</param>
/// <param name="IssuedAt">When it was issued.</param>
[GenerateSerializer, Immutable, Alias("warden.IssuedCredential")]
public sealed record IssuedCredential(
    [property: Id(0)] string CredentialId,
    [property: Id(1)] string Token,
    [property: Id(2)] DateTimeOffset IssuedAt)
{
    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"IssuedCredential {{ CredentialId = {CredentialId}, IssuedAt = {IssuedAt:O} }}";
}
