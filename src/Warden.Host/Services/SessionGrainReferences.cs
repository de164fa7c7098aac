using Warden.Sessions;

namespace Warden.Host.Services;

/// <summary>
/// Session grain references for the decision path. <c>IGrainFactory.GetGrain&lt;ISessionGrain&gt;(string)</c> looks the
/// interface's grain interface type up from its attributes on every call (4.6 % of the host's CPU under the load
/// generator's unary run); the first reference's grain type and interface type are kept here and every later
/// reference is built from them and the session's key, which is what Orleans would have built.
/// </summary>
/// <remarks>
/// The references of recently used sessions are kept in a fixed table of <see cref="Slots"/> entries, one per slot
/// of the session id's hash, the last one built winning its slot: an agent deciding in a session again gets the same
/// reference without its key string, grain id and proxy being built anew per call. A reference is an immutable
/// address (no activation, no state), so sharing it between calls changes nothing; an entry is used only when both
/// its tenant and its session id equal the call's, so another tenant's session of the same id is never served
/// from it. The table never grows: many sessions only mean more misses.
/// </remarks>
internal sealed class SessionGrainReferences(IGrainFactory grains)
{
    /// <summary>The number of recently used sessions' references kept (a power of two).</summary>
    internal const int Slots = 4096;

    private readonly Recent?[] _recent = new Recent?[Slots];
    private Resolved? _resolved;

    /// <summary>The session grain of <paramref name="sessionId"/> in <paramref name="tenantId"/>.</summary>
    public ISessionGrain Get(string tenantId, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(sessionId);
        ref var slot = ref _recent[sessionId.GetHashCode() & (Slots - 1)];
        var recent = Volatile.Read(ref slot);
        if (recent is not null
            && string.Equals(recent.SessionId, sessionId, StringComparison.Ordinal)
            && string.Equals(recent.TenantId, tenantId, StringComparison.Ordinal))
        {
            return recent.Grain;
        }

        var grain = Build(tenantId, sessionId);

        // INVARIANT: entries are immutable and replaced whole, so a reader sees an entry's three fields together.
        Volatile.Write(ref slot, new Recent(tenantId, sessionId, grain));
        return grain;
    }

    private ISessionGrain Build(string tenantId, string sessionId)
    {
        var key = WardenIds.SessionKey(tenantId, sessionId);
        if (Volatile.Read(ref _resolved) is { } resolved)
        {
            return (ISessionGrain)grains.GetGrain(GrainId.Create(resolved.GrainType, key), resolved.InterfaceType);
        }

        var first = grains.GetGrain<ISessionGrain>(key);
        var reference = (GrainReference)first;
        Volatile.Write(ref _resolved, new Resolved(reference.GrainId.Type, reference.InterfaceType));
        return first;
    }

    private sealed record Resolved(GrainType GrainType, GrainInterfaceType InterfaceType);

    private sealed record Recent(string TenantId, string SessionId, ISessionGrain Grain);
}
