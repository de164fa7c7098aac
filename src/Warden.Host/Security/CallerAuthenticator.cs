using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Warden.Agents;
using Warden.Grains.Revocation;
using Warden.Host.Diagnostics;
using Warden.Host.Errors;
using Warden.Host.Hosting;
using Warden.Tenants;

namespace Warden.Host.Security;

/// <summary>
/// Establishes who is calling from the <c>authorization: Bearer …</c> header. Agents present a <c>wdn1.a.…</c>
/// credential verified by their agent grain; operators present the root operator key or a tenant operator credential
/// (<c>wdn1.o.…</c>) verified by the tenant grain. Anything else is UNAUTHENTICATED, with one message for every cause.
/// </summary>
/// <remarks>
/// Agent verifications are cached per silo for <see cref="WardenHostOptions.CredentialCacheDuration"/> (keyed by the
/// credential's SHA-256, never the credential). This is safe because authentication only names the agent: the agent
/// grain refuses a suspended or retired agent new sessions and the session grain denies every evaluation of one,
/// whatever the cache says. A rotated credential is the one thing the grains cannot see through the cache: a rotation
/// advances <see cref="CredentialRevocations"/> on every silo before it returns, and an entry cached under an older
/// count is never used. Operator credentials are verified on every call.
/// </remarks>
public sealed class CallerAuthenticator
{
    internal const string AgentServicePrefix = "/warden.v1.AgentRuntime/";
    internal const string HealthServicePrefix = "/grpc.health.v1.Health/";
    private const string BadCredentials = "missing or invalid credentials";
    private const int CacheSweepThreshold = 100_000;

    private readonly IGrainFactory _grains;
    private readonly OperatorKeyStore _operatorKey;
    private readonly TimeProvider _time;
    private readonly ILogger<CallerAuthenticator> _logger;
    private readonly TimeSpan _cacheDuration;
    private readonly ConcurrentDictionary<TokenHash, CachedAgent> _agents = new();
    private readonly CredentialRevocations _rotations;

    // Kestrel hands out the very same string for a header value that repeats on an HTTP/2 connection, so an agent's
    // calls on one connection bring one `authorization` string: its hash is kept by the string's identity and the
    // credential is hashed once per connection, not on every call (a SHA-256 through OpenSSL, 1-4 µs on the decision
    // path). The same object has the same characters, so it has the same hash. Weak keys: the table keeps no header,
    // and so no credential, alive; an entry goes with its string.
    private readonly ConditionalWeakTable<string, HashedHeader> _hashedHeaders = new();
    private long _credentialHashes;

    /// <summary>Creates the authenticator.</summary>
    public CallerAuthenticator(
        IGrainFactory grains,
        OperatorKeyStore operatorKey,
        TimeProvider time,
        CredentialRevocations rotations,
        IOptions<WardenHostOptions> options,
        ILogger<CallerAuthenticator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _rotations = rotations;
        _grains = grains;
        _operatorKey = operatorKey;
        _time = time;
        _logger = logger;
        _cacheDuration = options.Value.CredentialCacheDuration;
    }

    /// <summary>The caller of <paramref name="context"/>, or UNAUTHENTICATED.</summary>
    public ValueTask<CallerIdentity> AuthenticateAsync(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var method = context.Method;
        if (method.StartsWith(HealthServicePrefix, StringComparison.Ordinal))
        {
            return ValueTask.FromResult<CallerIdentity>(AnonymousIdentity.Instance);
        }

        var header = AuthorizationHeader(context);
        if (!TryBearer(header, out var token))
        {
            return Refuse(method, "no bearer credential");
        }

        return method.StartsWith(AgentServicePrefix, StringComparison.Ordinal)
            ? AuthenticateAgentAsync(header!, token, method)
            : AuthenticateOperatorAsync(header![token], method);
    }

    /// <summary>How many times a credential was hashed for the agent cache (for tests of the per-header memo).</summary>
    internal long CredentialHashes => Interlocked.Read(ref _credentialHashes);

    /// <summary>
    /// The cache key of the credential at <paramref name="token"/> in <paramref name="header"/>: remembered by the header
    /// string's identity, computed (SHA-256 of the credential's UTF-8) for a header string not seen before.
    /// </summary>
    internal TokenHash HeaderCacheKey(string header, Range token)
    {
        if (_hashedHeaders.TryGetValue(header, out var hashed) && hashed.Token.Equals(token))
        {
            return hashed.Hash;
        }

        Interlocked.Increment(ref _credentialHashes);
        var key = CacheKey(header.AsSpan()[token]);
        _hashedHeaders.AddOrUpdate(header, new HashedHeader(token, key));
        return key;
    }

    private ValueTask<CallerIdentity> AuthenticateAgentAsync(string header, Range token, string method)
    {
        // Hot path: a credential verified a moment ago costs one lookup by the header's identity (or, for a header
        // string not seen before, one hash of its characters) and one cache lookup, no allocation; the credential
        // becomes a string of its own only when the grain has to verify it.
        var now = _time.GetUtcNow();
        var cacheKey = HeaderCacheKey(header, token);
        var generation = _rotations.Generation;
        if (_cacheDuration > TimeSpan.Zero && _agents.TryGetValue(cacheKey, out var cached) && cached.Until > now && cached.Generation == generation)
        {
            return ValueTask.FromResult<CallerIdentity>(cached.Caller);
        }

        return VerifyAgentAsync(header[token], cacheKey, now, generation, method);
    }

    private async ValueTask<CallerIdentity> VerifyAgentAsync(string token, TokenHash cacheKey, DateTimeOffset now, long generation, string method)
    {
        if (!WardenCredential.TryParse(token, out var credential) || credential.Kind != CredentialKind.Agent)
        {
            return await Refuse(method, "not an agent credential").ConfigureAwait(false);
        }

        var agent = _grains.GetGrain<IAgentGrain>(WardenIds.AgentKey(credential.TenantId, credential.SubjectId));
        var verified = await agent.VerifyCredentialAsync(token).ConfigureAwait(false);
        if (!verified.IsOk)
        {
            return await Refuse(method, "agent credential rejected").ConfigureAwait(false);
        }

        // INVARIANT: the identity comes from the grain that verified the secret, never from the token's text alone.
        var caller = new AgentIdentity(verified.Value.TenantId, verified.Value.AgentId);
        if (_cacheDuration > TimeSpan.Zero)
        {
            if (_agents.Count > CacheSweepThreshold)
            {
                Sweep(now);
            }

            // INVARIANT: the count read before the grain verified the credential: a rotation that overlapped the
            // verification has already advanced it, so this entry is never used.
            _agents[cacheKey] = new CachedAgent(caller, now + _cacheDuration, generation);
        }

        return caller;
    }

    private async ValueTask<CallerIdentity> AuthenticateOperatorAsync(string token, string method)
    {
        if (_operatorKey.IsRootKey(token))
        {
            return new OperatorIdentity(null, "root");
        }

        if (!WardenCredential.TryParse(token, out var credential) || credential.Kind != CredentialKind.Operator)
        {
            return await Refuse(method, "not an operator credential").ConfigureAwait(false);
        }

        var tenant = _grains.GetGrain<ITenantGrain>(credential.TenantId);
        var verified = await tenant.VerifyOperatorCredentialAsync(token).ConfigureAwait(false);
        if (!verified.IsOk)
        {
            return await Refuse(method, "operator credential rejected").ConfigureAwait(false);
        }

        return new OperatorIdentity(verified.Value.TenantId, verified.Value.CredentialId);
    }

    private ValueTask<CallerIdentity> Refuse(string method, string reason)
    {
        HostLog.AuthenticationFailed(_logger, method, reason);
        GrpcErrors.Unauthenticated(BadCredentials);
        return default;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _agents)
        {
            if (entry.Until <= now || entry.Generation != _rotations.Generation)
            {
                _agents.TryRemove(key, out _);
            }
        }
    }

    /// <summary>
    /// The <c>authorization</c> header: read from the HTTP request where there is one, because
    /// <see cref="ServerCallContext.RequestHeaders"/> copies every header of the call into a new <see cref="Metadata"/>.
    /// More than one value is no credential at all.
    /// </summary>
    private static string? AuthorizationHeader(ServerCallContext context)
    {
        HttpContext? http;
        try
        {
            http = context.GetHttpContext();
        }
        catch (InvalidOperationException)
        {
            // A call context not hosted by ASP.NET Core (a custom invoker): its metadata is all there is.
            http = null;
        }

        if (http is null)
        {
            return context.RequestHeaders.GetValue("authorization");
        }

        var values = http.Request.Headers.Authorization;
        return values.Count == 1 ? values[0] : null;
    }

    /// <summary>Where the credential is in a <c>Bearer</c> header (trimmed); false when there is none.</summary>
    private static bool TryBearer(string? header, out Range token)
    {
        token = default;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var value = header.AsSpan(7);
        var start = 7 + (value.Length - value.TrimStart().Length);
        var end = header.Length - (value.Length - value.TrimEnd().Length);
        if (end <= start)
        {
            return false;
        }

        token = start..end;
        return true;
    }

    private static TokenHash CacheKey(ReadOnlySpan<char> token)
    {
        Span<byte> utf8 = stackalloc byte[WardenLimits.MaxCredentialLength * 3];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var length = token.Length <= WardenLimits.MaxCredentialLength ? Encoding.UTF8.GetBytes(token, utf8) : 0;
        SHA256.HashData(length > 0 ? utf8[..length] : Encoding.UTF8.GetBytes(token.ToString()), hash);
        return MemoryMarshal.Read<TokenHash>(hash);
    }

    private sealed record CachedAgent(AgentIdentity Caller, DateTimeOffset Until, long Generation);

    /// <summary>The SHA-256 of a credential: the cache key, so the cache never holds a credential.</summary>
    internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D);

    /// <summary>A header string's credential range and its hash (immutable: replaced whole, read without a lock).</summary>
    private sealed record HashedHeader(Range Token, TokenHash Hash);
}
