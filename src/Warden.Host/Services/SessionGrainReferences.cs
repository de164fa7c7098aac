using Warden.Sessions;

namespace Warden.Host.Services;

/// <summary>
/// Session grain references for the decision path. <c>IGrainFactory.GetGrain&lt;ISessionGrain&gt;(string)</c> looks the
/// interface's grain interface type up from its attributes on every call (4.6 % of the host's CPU under the load
/// generator's unary run); the first reference's grain type and interface type are kept here and every later
/// reference is built from them and the session's key, which is what Orleans would have built.
/// </summary>
internal sealed class SessionGrainReferences(IGrainFactory grains)
{
    private Resolved? _resolved;

    /// <summary>The session grain of <paramref name="sessionId"/> in <paramref name="tenantId"/>.</summary>
    public ISessionGrain Get(string tenantId, string sessionId)
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
}
